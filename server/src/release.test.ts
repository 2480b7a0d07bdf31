import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

// The self-hosting kit and the release files, kept true to the code they describe.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');

/** The variables config.ts reads: the keys of its environment schema. */
function configVariables(): string[] {
  const source = read('server/src/config.ts');
  const schema = /const envSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(source)?.[1];
  expect(schema, 'config.ts declares envSchema = z.object({ … })').toBeDefined();
  return [...schema!.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!).sort();
}

/** `KEY=value` lines of .env.example, commented out or not. */
function envExample(): Map<string, string> {
  const entries = [...read('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)];
  return new Map(entries.map((m) => [m[1]!, m[2]!]));
}

describe('.env.example and the Configuration table', () => {
  it('name every variable config.ts reads, and nothing else', () => {
    const vars = configVariables();
    expect(vars.length).toBeGreaterThan(30);
    expect([...envExample().keys()].sort()).toEqual(vars);
    const section = read('README.md').split('\n## Configuration\n')[1]!.split('\n## ')[0]!;
    const table = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]!).sort();
    expect(table).toEqual(vars);
  });

  it('gives examples that config.ts accepts', () => {
    const env = Object.fromEntries([...envExample()].filter(([, v]) => v !== ''));
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('is the whole story: no other server module reads the environment', () => {
    const readers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'test') walk(file);
        } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) && /process\.env/.test(fs.readFileSync(file, 'utf8'))) {
          readers.push(path.relative(repo, file));
        }
      }
    };
    walk(path.join(repo, 'server/src'));
    expect(readers).toEqual(['server/src/config.ts']);
  });
});

describe('releases', () => {
  it('every package.json carries the newest version in CHANGELOG.md, under an Unreleased section', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    const newest = /^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/m.exec(changelog)?.[1];
    expect(newest).toBeDefined();
    for (const pkg of ['package.json', 'shared/package.json', 'server/package.json', 'widget/package.json', 'console/package.json', 'tests/package.json']) {
      expect([pkg, (JSON.parse(read(pkg)) as { version?: string }).version]).toEqual([pkg, newest]);
    }
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} Kamflo contributors\n/);
  });

  it('compose.yml pins every image to a version, its own to the release', () => {
    const images = [...read('compose.yml').matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const image of images) expect(image).toMatch(/:\d+\.\d+\.\d+(-[a-z0-9.]+)?$/);
    expect(read('Dockerfile')).toMatch(/^FROM node:\d+\.\d+\.\d+-/m);
    // The image compose builds is named after the release it holds.
    expect(images).toContain(`kamflo:${(JSON.parse(read('server/package.json')) as { version: string }).version}`);
  });
});

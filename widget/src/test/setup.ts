import { afterAll, afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/preact';

afterEach(() => cleanup());
// findBy…/waitFor give up after this long (1 s by default): a loaded machine must not fail them.
configure({ asyncUtilTimeout: 5000 });

// Preact runs effects after the next frame, with a 100 ms timer as the fallback. Let pending ones
// fire before the file's DOM is torn down: one firing afterwards throws "cancelAnimationFrame is
// not defined" and fails the run.
afterAll(() => new Promise((resolve) => setTimeout(resolve, 150)));

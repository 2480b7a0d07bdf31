import type { z } from 'zod';
import type { ErrorBody } from '@kamflo/shared';
import { AppError } from './errors.ts';

export type Issues = NonNullable<ErrorBody['issues']>;

/**
 * Parse input at the edge; a failure becomes bad_request with one issue per field. `summarize`
 * words the message (default: "Invalid input: <path> <message>; …").
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, summarize?: (issues: Issues) => string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message: i.message,
  }));
  const message = summarize ? summarize(issues) : `Invalid input: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`;
  throw new AppError('bad_request', message, issues);
}

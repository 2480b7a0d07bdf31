import type { z } from 'zod';
import { AppError } from './errors.ts';

/** Parse input at the edge; a failure becomes bad_request with one line per field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message: i.message,
  }));
  const summary = issues.map((i) => `${i.path} ${i.message}`).join('; ');
  throw new AppError('bad_request', `Invalid input: ${summary}`, issues);
}

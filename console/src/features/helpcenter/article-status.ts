import type { HcArticleDto } from '@kamflo/shared';

/** What the console says of an article's state. */
export function statusLabel(a: Pick<HcArticleDto, 'status' | 'unpublishedChanges'>): string {
  if (a.status === 'draft') return 'Draft';
  return a.unpublishedChanges ? 'Published, with unpublished changes' : 'Published';
}

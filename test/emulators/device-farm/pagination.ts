import { PageTokens as SharedPageTokens } from '../shared/pagination';
import { argumentError } from './errors';

export type { Page } from '../shared/pagination';

/** Issues and checks opaque `nextToken`s; a token from another list is an ArgumentException. */
export class PageTokens extends SharedPageTokens {
  constructor() {
    super(() => argumentError('Invalid nextToken'));
  }
}

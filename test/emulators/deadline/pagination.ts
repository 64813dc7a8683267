import { PageTokens as SharedPageTokens } from '../shared/pagination';
import { validationError } from './errors';

export type { Page } from '../shared/pagination';

/** Issues and checks opaque `nextToken`s; a token from another list is a ValidationException on `nextToken`. */
export class PageTokens extends SharedPageTokens {
  constructor() {
    super(() => validationError('Invalid nextToken', 'FIELD_VALIDATION_FAILED', 'nextToken'));
  }
}

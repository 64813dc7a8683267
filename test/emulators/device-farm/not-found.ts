/**
 * Transient NotFoundException answers: the Get operations of a resource that
 * exists answer NotFound a set number of times, as a read from a replica that
 * has not caught up would. Armed per ARN, consumed call by call.
 */
export class NotFoundAnswers {
  private readonly remaining = new Map<string, number>();

  /** The next `times` Get calls naming `arn` answer NotFoundException. */
  arm(arn: string, times: number): void {
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`answerNotFound: times must be a positive integer, got ${times}`);
    this.remaining.set(arn, (this.remaining.get(arn) ?? 0) + times);
  }

  /** True, and one answer fewer left, when this Get of `arn` must answer NotFound. */
  take(arn: string): boolean {
    const left = this.remaining.get(arn) ?? 0;
    if (left === 0) return false;
    if (left === 1) this.remaining.delete(arn);
    else this.remaining.set(arn, left - 1);
    return true;
  }

  /** NotFound answers armed and not yet given, over every ARN. */
  get pending(): number {
    return [...this.remaining.values()].reduce((sum, n) => sum + n, 0);
  }
}

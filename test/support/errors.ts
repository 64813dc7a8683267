/**
 * The message of the `type` error `attempt` throws. Any other error is
 * thrown on; no error at all fails the test.
 */
export function messageOf(type: abstract new (...args: never[]) => Error, attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    if (error instanceof type) return error.message;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}

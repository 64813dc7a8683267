// Placeholder replaced by the real handler in a following commit; exists so the stack can bundle it.
export const handler = async (): Promise<void> => {
  throw new Error('not wired yet');
};

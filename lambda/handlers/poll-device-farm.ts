// Placeholder replaced by the real handler in the next commit; exists so the stack can bundle it.
export const handler = async (): Promise<void> => {
  throw new Error('not wired yet');
};

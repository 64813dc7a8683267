/** What a CLI command may touch: its environment, working directory and output streams. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Aborts `vigil run`'s loop (SIGINT). */
  readonly signal?: AbortSignal;
}

/** The table `vigil` reads and writes: --table, else VIGIL_TABLE, else `vigil`. */
export function tableName(flag: string | undefined, io: CliIo): string {
  return flag ?? io.env.VIGIL_TABLE ?? 'vigil';
}

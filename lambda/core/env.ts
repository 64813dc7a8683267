/** Reads the environment once, with an error that names the missing variable. */
import { EnvironmentError } from './errors';

/** The value of `name`, or an EnvironmentError naming it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new EnvironmentError(`Environment variable ${name} is not set; the stack sets it on every Vigil Lambda`);
  }
  return value;
}

/**
 * A resource as people read it in a terminal: its id, not its whole ARN
 * (an ARN is ~120 characters; tables of them wrap). The id is the end of the
 * ARN, so `vigil history <id>` finds the resource again; `--wide` and
 * `--json` show whole ARNs.
 */

/** `run:<project>/<run>` → `<run>`, a job `<run>/<job>`, a Deadline `…/job/<job>` → `<job>`. */
export function shortId(arn: string): string {
  if (arn.startsWith('vigil:')) return arn.slice('vigil:'.length);
  const resource = arn.split(':').slice(5).join(':');
  if (arn.startsWith('arn:aws:deadline:') || arn.includes(':deadline:')) return resource.split('/').at(-1) ?? arn;
  // Device Farm: <type>:<project id>/<id>[/<job>…]; the project id is shown beside it as the project's name.
  const [, path = resource] = resource.split(/:(.*)/s);
  const parts = path.split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : path;
}

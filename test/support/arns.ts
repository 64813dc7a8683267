/** Device Farm ARNs in the real formats, for one account and a few fixed ids. */
const PREFIX = 'arn:aws:devicefarm:us-west-2:123456789012';

export const projectArn = (project = 'p-app') => `${PREFIX}:project:${project}`;
export const runArn = (run = 'r-nightly', project = 'p-app') => `${PREFIX}:run:${project}/${run}`;
export const jobArn = (job: string, run = 'r-nightly', project = 'p-app') => `${PREFIX}:job:${project}/${run}/${job}`;
export const sessionArn = (session = 's-debug', project = 'p-app') => `${PREFIX}:session:${project}/${session}/00000`;
export const gridProjectArn = (project = 'g-web') => `${PREFIX}:testgrid-project:${project}`;
export const gridSessionArn = (session = 'gs-1', project = 'g-web') =>
  `${PREFIX}:testgrid-session:${project}/${session}`;

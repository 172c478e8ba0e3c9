import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The node/wallet home: `--home`, else $BABY_HOME, else ~/.babychain (the Cosmos `~/.<app>d` habit). */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env['BABY_HOME'] ?? join(homedir(), '.babychain'));
}

export function keyringDir(home: string): string {
  return join(home, 'keyring');
}

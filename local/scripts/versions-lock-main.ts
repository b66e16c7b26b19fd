/** `npm run versions:lock`: records new workflow versions in their modules' locks (see version-locks.ts). */
import { recordNewVersions } from './version-locks.js';

process.exitCode = recordNewVersions(console.log) ? 0 : 1;

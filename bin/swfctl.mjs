#!/usr/bin/env node
// The installed `swfctl` command: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./swfctl.ts');

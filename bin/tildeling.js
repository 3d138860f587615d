#!/usr/bin/env node
// The installed command: register tsx so the TypeScript sources run as they are, then start the CLI.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')

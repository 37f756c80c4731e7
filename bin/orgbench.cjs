#!/usr/bin/env node
'use strict'
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(built)) {
  process.stderr.write('orgbench: the CLI is not built yet. Run "npm run build" in the OrgBench folder first.\n')
  process.exit(2)
}
require(built).main()

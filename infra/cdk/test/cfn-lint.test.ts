// cfn-lint over the synthesized template. `cargo xtask test` installs cfn-lint and sets CFN_LINT.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synth } from './helpers';

test('the synthesized template passes cfn-lint', (t) => {
  const cfnLint = process.env.CFN_LINT;
  if (!cfnLint) {
    t.skip('CFN_LINT is not set (cargo xtask test sets it)');
    return;
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfm-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify(synth().template.toJSON()));
  // W3005: CDK adds DependsOn next to GetAtt; harmless.
  const run = spawnSync(cfnLint, ['--ignore-checks', 'W3005', '--', file], { encoding: 'utf8' });
  assert.equal(run.status, 0, `cfn-lint:\n${run.stdout}${run.stderr}`);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { tabwrite } from '../../../src/store/tabwriter';

test('tabwrite pads every cell but the last to max(12, widest + 2)', () => {
  const out = tabwrite([
    ['REPOSITORY', 'TAG', 'SIZE'],
    ['localhost/mybase', 'latest', '11.3 kB'],
  ]);
  assert.equal(out, 'REPOSITORY        TAG         SIZE\nlocalhost/mybase  latest      11.3 kB\n');
});

test('an empty last cell leaves the padding of the cell before it', () => {
  assert.equal(tabwrite([['a', 'b', '']]), 'a           b           \n');
});

test('widths count runes, not UTF-16 units or bytes', () => {
  assert.equal(tabwrite([['ü😀', 'x']]), 'ü😀          x\n');
});

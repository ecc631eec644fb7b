import { test } from 'node:test';
import assert from 'node:assert/strict';
import { naturalLess, volumeFields } from './ls.js';
import { keyValues } from './create.js';

test('natural order of names', () => {
  const names = ['v10', 'v2', 'a', 'v1', 'b01'].sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0));
  assert.deepEqual(names, ['a', 'b01', 'v1', 'v2', 'v10']);
});

test('volume fields and key=value maps', () => {
  const f = volumeFields({ Name: 'v', Driver: 'local', Mountpoint: '/m', Labels: { b: '2', a: '1' }, UsageData: { Size: 2000, RefCount: 1 } });
  assert.equal(f.Labels, 'a=1,b=2');
  assert.equal(f.Links, '1');
  assert.equal(f.Size, '2kB');
  assert.equal(volumeFields({ Name: 'v', Driver: 'local', Mountpoint: '/m' }).Size, 'N/A');
  assert.deepEqual(keyValues(['a=b=c', 'd']), { a: 'b=c', d: '' });
});

test('volume inspect templates see docker 28 volume.Volume struct', async () => {
  const { volumeTemplateData } = await import('./inspect.js');
  const { compileTemplate } = await import('../../format/index.js');
  const raw = { CreatedAt: '2026-11-22T16:40:17Z', Driver: 'local', Labels: null, Mountpoint: '/m', Name: 'v', Options: null, Scope: 'local' };
  const t = (s: string) => compileTemplate(s).execute(volumeTemplateData(raw));
  assert.equal(t('{{.}}'), '{<nil> 2026-11-22T16:40:17Z local map[] /m v map[] local map[] <nil>}');
  assert.equal(t('{{json .}}'), '{"CreatedAt":"2026-11-22T16:40:17Z","Driver":"local","Labels":null,"Mountpoint":"/m","Name":"v","Options":null,"Scope":"local"}');
  assert.equal(t('{{.Status}} {{json .Status}} {{.UsageData}}'), 'map[] null <nil>');
  assert.throws(() => t('{{.Nope}}'), /can't evaluate field Nope in type volume\.Volume/);
  const used = volumeTemplateData({ ...raw, Labels: { a: 'b' }, UsageData: { Size: 5, RefCount: 1 }, Status: { x: 1 } });
  assert.equal(compileTemplate('{{.Labels}} {{.UsageData.Size}} {{json .}}').execute(used), 'map[a:b] 5 {"CreatedAt":"2026-11-22T16:40:17Z","Driver":"local","Labels":{"a":"b"},"Mountpoint":"/m","Name":"v","Options":null,"Scope":"local","Status":{"x":1},"UsageData":{"Size":5,"RefCount":1}}');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, goMap, goMethod, goTimeString, GoTime, goType } from './template.js';
import { dockerCases, fixture } from './docker-oracle.data.js';
import { EngineError } from '../../lib/errors.js';

const run = (src: string, data: unknown = fixture, rootType?: string): string => compileTemplate(src).execute(data, { rootType });
const err = (src: string, data: unknown = fixture, rootType?: string): string => {
  try {
    run(src, data, rootType);
  } catch (e) {
    assert.ok(e instanceof EngineError);
    assert.equal(e.kind, 'InvalidArgument');
    return e.message;
  }
  assert.fail(`no error for ${src}`);
};

test('matches outputs recorded from the real docker CLI', () => {
  for (const [src, want] of dockerCases) {
    const got = want.startsWith('ERR ') ? 'ERR ' + err(src) : run(src);
    assert.equal(got, want, src);
  }
});

test('docker format strings on container-like data', () => {
  const c = {
    ID: 'abc', Image: 'busybox', State: { Status: 'running' },
    Config: { Labels: { a: '1', 'com.x': 'y' } },
    Mounts: [{ Source: '/a', Destination: '/x' }, { Source: '/b', Destination: '/y' }],
  };
  assert.equal(run('{{.ID}}\t{{.Image}}', c), 'abc\tbusybox');
  assert.equal(run('{{.State.Status}}', c), 'running');
  assert.equal(run('{{index .Config.Labels "a"}}', c), '1');
  assert.equal(run('{{index .Config.Labels "com.x"}}', c), 'y');
  assert.equal(run('{{index .Config.Labels "missing"}}|{{.Config.Labels.missing}}', c), '|<no value>');
  assert.equal(run('{{range .Mounts}}{{.Source}}{{end}}', c), '/a/b');
  assert.equal(run('{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}', c), '/a:/x /b:/y ');
  assert.equal(run('{{json .Config}}', c), '{"Labels":{"a":"1","com.x":"y"}}');
  assert.equal(run('{{json .}}', { B: 1, A: '<&>' }), '{"B":1,"A":"<&>"}');
  assert.equal(run('{{json .}}', { b: 1, a: 2 }), '{"a":2,"b":1}', 'maps marshal with sorted keys');
});

test('whitespace trim markers and comments', () => {
  assert.equal(run('a  {{- "b" -}}  c'), 'abc');
  assert.equal(run('a\n\t {{- /* gone */ -}} \n b'), 'ab');
  assert.equal(run('{{/* only */}}'), '');
  assert.equal(run('x {{-3}} y'), 'x -3 y');
  assert.equal(run('{{- 1}}\n{{2 -}}\n\n3'), '1\n23');
  assert.equal(run('{{range .Config.Cmd -}}\n  <{{.}}>\n{{- end}}'), '<sleep><100>');
});

test('nested range and if with variables', () => {
  const d = { Groups: [{ Name: 'g1', Items: [1, 2] }, { Name: 'g2', Items: [] }] };
  const t = '{{range $i, $g := .Groups}}{{if $i}}; {{end}}{{$g.Name}}:{{range .Items}}[{{.}}{{if eq . 2}}!{{end}}]{{else}}none{{end}}{{end}}';
  assert.equal(run(t, d), 'g1:[1][2!]; g2:none');
  assert.equal(run('{{range $k, $v := .}}{{$k}}={{$v}},{{end}}', { z: 1, a: 2, m: 3 }), 'a=2,m=3,z=1,');
  assert.equal(run('{{range 4}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}'), '01');
  assert.equal(run('{{$x := 1}}{{range .Config.Cmd}}{{$x = .}}{{end}}{{$x}}'), '100');
  assert.equal(run('{{with $v := .Name}}{{$v}}{{end}}'), '/c1');
  assert.equal(run('{{with .Config.Labels.zz}}{{else with .Name}}{{.}}{{end}}'), '/c1');
  assert.equal(run('{{if 0}}a{{else if ""}}b{{else if .}}c{{else}}d{{end}}', [1]), 'c');
});

test('define, template and block', () => {
  assert.equal(run('{{define "row"}}<{{.}}>{{end}}{{range .Config.Cmd}}{{template "row" .}}{{end}}'), '<sleep><100>');
  assert.equal(run('{{block "b" .Name}}[{{.}}]{{end}}'), '[/c1]');
  assert.match(err('{{template "x"}}'), /template "x" not defined/);
});

test('methods: function values on objects are called with arguments', () => {
  const item = { ID: 'x', Label: (k: string) => (k === 'a' ? '1' : ''), Upper: function (this: { ID: string }) { return this.ID.toUpperCase(); } };
  assert.equal(run('{{.Label "a"}}|{{.Label "b"}}|{{.Upper}}', item), '1||X');
  assert.equal(run('{{"a" | .Label}}', item), '1');
  // function-valued fields are methods (called on access); call takes function values
  assert.equal(run('{{call .Adder 2 3}}', { Adder: () => (a: number, b: number) => a + b }), '5');
  assert.match(err('{{.ID 1}}', item), /at <\.ID>: ID is not a method but has arguments/);
  assert.match(err('{{call .ID}}', item), /error calling call: non-function \.ID of type string/);
  const boom = { Fail: () => { throw new Error('bad'); } };
  assert.match(err('{{.Fail}}', boom), /error calling Fail: bad/);
});

test('missing fields: struct type errors, maps print <no value>', () => {
  const ctr = { ID: 'x', Labels: { a: '1' } };
  assert.equal(err('{{.Nope}}', ctr, '*formatter.ContainerContext'),
    'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext');
  assert.equal(err('{{.ID}} {{.Nope}}', ctr), 'template: :1:10: executing "" at <.Nope>: map has no entry for key "Nope"');
  assert.equal(run('{{.Labels.b}}', ctr), '<no value>');
  assert.equal(run('{{.b}}', { [goType]: 'map[string]string', a: '1', B: 'x' }), '<no value>');
  assert.match(err('{{.Z}}', { [goType]: 'types.Thing' }), /can't evaluate field Z in type types\.Thing/);
  assert.equal(run('{{.Nope}}', {}), '<no value>');
  assert.equal(run('{{.a.b}}', { x: 1 }), '<no value>');
  assert.match(compileError('{{.A}}', { missingKey: 'error' }, { a: 1 }), /map has no entry for key "A"/);
  assert.match(err('{{.A.B}}', { A: null }), /nil pointer evaluating interface \{\}\.B/);
  const tdef = '{{define "x"}}{{.Nope}}{{end}}';
  assert.match(err(tdef + '{{template "x" .}}', { S: { A: 1 } }, 'T'), /executing "x" at <\.Nope>: can't evaluate field Nope in type T/);
  assert.match(err(tdef + '{{template "x" .S}}', { S: { A: 1 } }, 'T'), /executing "x" at <\.Nope>: map has no entry for key "Nope"/);
});

function compileError(src: string, opts: { missingKey: 'error' }, data: unknown): string {
  try {
    compileTemplate(src, opts).execute(data);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

test('error positions are Go\'s line and byte column', () => {
  assert.equal(err('a\n  {{.Nope}}', { A: 1 }), 'template: :2:4: executing "" at <.Nope>: map has no entry for key "Nope"');
  assert.match(err('é {{.Nope}}', { A: 1 }), /^template: :1:5: /);
  assert.match(err('{{.A.Nope}}', { A: { B: 1 } }), /^template: :1:4: executing "" at <\.A\.Nope>/);
  assert.match(err('{{define "t"}}{{.X}}{{end}}{{template "t" .}}', { A: 1 }), /executing "t" at <\.X>/);
});

test('actions may span lines (Go ≥ 1.16)', () => {
  assert.equal(run('{{ .Name\n}}|{{printf\n"%s-%s" .Name\n  .State.Status}}'), '/c1|/c1-created');
  assert.equal(err('{{ .Name\n .Nope}}'), 'template: :1:3: executing "" at <.Name>: Name is not a method but has arguments');
  assert.equal(err('a\n{{ if\n.State.Nope }}{{end}}'), 'template: :3:6: executing "" at <.State.Nope>: map has no entry for key "Nope"');
});

test('parse errors', () => {
  const perr = (src: string): string => {
    try {
      compileTemplate(src);
    } catch (e) {
      assert.ok(e instanceof EngineError && e.kind === 'InvalidArgument');
      return e.message;
    }
    return '';
  };
  assert.equal(perr('{{foo .ID}}'), 'template: :1: function "foo" not defined');
  assert.equal(perr('{{.ID'), 'template: :1: unclosed action');
  assert.equal(perr('{{if 1}}'), 'template: :1: unexpected EOF');
  assert.equal(perr('{{end}}'), 'template: :1: unexpected {{end}}');
  assert.equal(perr('{{else}}'), 'template: :1: unexpected {{else}}');
  assert.equal(perr('{{$x}}'), 'template: :1: undefined variable "$x"');
  assert.equal(perr('{{"abc}}'), 'template: :1: unterminated quoted string');
  assert.equal(perr('{{1x}}'), 'template: :1: bad number syntax: "1x"');
  assert.equal(perr('{{if}}{{end}}'), 'template: :1: missing value for if');
  assert.equal(perr('{{break}}'), 'template: :1: {{break}} outside {{range}}');
  assert.equal(perr('a\nb\n{{.A | 3}}'), 'template: :3: non executable command in pipeline stage 2');
  assert.equal(perr('{{/* x */ y}}'), 'template: :1: comment ends before closing delimiter');
  assert.equal(perr('{{.A}'), "template: :1: bad character U+007D '}'");
  assert.equal(perr('{{.A.}}'), 'template: :1: unexpected <.> in operand');
  assert.equal(perr('{{range $i, $v, $w := .Args}}{{end}}'), 'template: :1: too many declarations in range');
  assert.equal(perr('{{1.x}}'), 'template: :1: bad number syntax: "1.x"');
  assert.equal(perr('{{"\\q"}}'), 'template: :1: invalid syntax');
});

test('functions: comparisons and logic', () => {
  assert.equal(run('{{and 1 0 2}}|{{and 1 2}}|{{or 0 "" "x"}}|{{or 0 ""}}|{{not 0}}'), '0|2|x||true');
  assert.equal(run('{{and .Nope.X 1}}', {}), '<no value>', 'and short-circuits on the first falsy value');
  assert.equal(run('{{or 1 (index .Args 99)}}'), '1', 'or does not evaluate later arguments');
  assert.equal(run('{{eq 1 2 1}} {{ne "a" "b"}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2}}'), 'true true true true true false');
  assert.equal(run('{{eq nil .Nope}}', {}), 'true');
  assert.match(err('{{lt 1 "a"}}'), /error calling lt: incompatible types for comparison/);
  assert.match(err('{{lt true false}}'), /error calling lt: invalid type for comparison/);
});

test('functions: len index slice print println printf html js urlquery', () => {
  assert.equal(run('{{len "héllo"}} {{len .Config.Cmd}} {{len .Config.Labels}}'), '6 2 2');
  assert.equal(run('{{index .Args 1}} {{index "abc" 1}} {{index .M "k" 0}}', { Args: ['a', 'b'], M: { k: ['z'] } }), 'b 98 z');
  assert.match(err('{{index .Args 5}}'), /error calling index: index out of range: 5/);
  assert.equal(run('{{slice "abcdef" 1 3}} {{slice .Config.Cmd 1}} {{slice "abc"}}'), 'bc [100] abc');
  assert.equal(run('{{print 1 2 "a" "b" 3}}|{{println "a" 1}}|{{print nil}}'), '1 2ab3|a 1\n|<nil>');
  assert.equal(run('{{printf "%s-%d" "a" 5}}'), 'a-5');
  assert.equal(run('{{html "<a href=\\"x\\">&\'"}}'), '&lt;a href=&#34;x&#34;&gt;&amp;&#39;');
  assert.equal(run('{{js "a\\"b<c>\'="}}'), 'a\\"b\\u003Cc\\u003E\\\'\\u003D');
  assert.equal(run('{{urlquery "a b&c/é"}}'), 'a+b%26c%2F%C3%A9');
});

test('docker functions: json join split title lower upper pad truncate', () => {
  assert.equal(run('{{json "<a&b>"}} {{json .Config.Cmd}} {{json nil}} {{json 1.5}}'), '"<a&b>" ["sleep","100"] null 1.5');
  assert.equal(run('{{join .Config.Cmd ","}} {{split "a,b" ","}} {{join (split "a b c" " ") "+"}}'), 'sleep,100 [a b] a+b+c');
  assert.equal(run('{{title "hello wORLD-foo bar_baz"}}'), 'Hello WORLD-Foo Bar_baz');
  assert.equal(run('{{lower "ÀB"}} {{upper "àb"}}'), 'àb ÀB');
  assert.equal(run('[{{pad "x" 2 3}}][{{pad "" 2 3}}]'), '[  x   ][]');
  assert.equal(run('{{truncate "abcdef" 3}} {{truncate "ab" 3}}'), 'abc ab');
  assert.match(err('{{upper 3}}'), /at <3>: expected string; found 3/);
  assert.match(err('{{truncate .Name .Name}}'), /at <\.Name>: wrong type for value; expected int; got string/);
});

test('values print as Go prints them', () => {
  const d = { I: 1700000000, F: 1.5, Big: 1e21, Arr: ['a', 1, null], Map: { b: 2, a: [true] }, Struct: { Name: 'n', Port: 80 }, Nil: null, Empty: [] };
  assert.equal(run('{{.I}} {{.F}} {{.Big}} {{.Arr}} {{.Map}} {{.Struct}} {{.Nil}} {{.Empty}}', d), '1700000000 1.5 1e+21 [a 1 <nil>] map[a:[true] b:2] {n 80} <nil> []');
  assert.equal(run('{{1.0}} {{1e6}} {{1234567.5}} {{0.000012}} {{-2.5e-7}} {{0x1F}} {{\'a\'}}'), '1 1e+06 1.2345675e+06 1.2e-05 -2.5e-07 31 97');
  assert.equal(run('{{printf "%+v" .}}', { A: 1, B: 'x' }), '{A:1 B:x}');
  assert.equal(run('{{.}} {{json .}}', { ID: 'x', Label: () => 'l' }), '{x} {"ID":"x"}', 'methods are not printed');
});

test('method calls check their argument count like Go', () => {
  const item = { Name: 'v', Label: (k: string) => (k === 'a' ? '1' : '') };
  assert.equal(err('{{.Label}}', item), 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0');
  assert.equal(err('{{.Label "a" "b"}}', item), 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 2');
  assert.equal(run('{{.Label "a"}}|{{"a" | .Label}}', item), '1|1');
  const hidden = Object.defineProperty({ Name: 'v' }, 'toJSON', { value: () => ({}), enumerable: false });
  assert.equal(err('{{.toJSON}}', Object.assign(hidden, { [goType]: 'volume.Volume' })), 'template: :1:2: executing "" at <.toJSON>: can\'t evaluate field toJSON in type volume.Volume');
});

test('GoTime prints like time.Time, marshals to RFC 3339', () => {
  assert.equal(goTimeString('2026-11-22T16:30:01.123456789Z'), '2026-11-22 16:30:01.123456789 +0000 UTC');
  assert.equal(goTimeString('2026-11-22T16:30:01.5000Z'), '2026-11-22 16:30:01.5 +0000 UTC');
  assert.equal(goTimeString('2026-11-22T16:30:01Z'), '2026-11-22 16:30:01 +0000 UTC');
  assert.equal(goTimeString('2026-11-22T17:30:01.25+01:00'), '2026-11-22 17:30:01.25 +0100 +0100');
  assert.equal(goTimeString('not a time'), 'not a time');
  const d = { Created: new GoTime('2026-11-22T16:30:01.120Z') };
  assert.equal(run('{{.Created}}', d), '2026-11-22 16:30:01.12 +0000 UTC');
  assert.equal(run('{{json .Created}} {{json .}}', d), '"2026-11-22T16:30:01.120Z" {"Created":"2026-11-22T16:30:01.120Z"}');
  assert.equal(run('{{printf "%s|%v|%T" .Created .Created .Created}}', d), '2026-11-22 16:30:01.12 +0000 UTC|2026-11-22 16:30:01.12 +0000 UTC|time.Time');
  assert.equal(run('{{if .Created}}y{{end}} {{.}}', d), 'y {2026-11-22 16:30:01.12 +0000 UTC}');
  assert.equal(err('{{.Created.Nope}}', d), 'template: :1:10: executing "" at <.Created.Nope>: can\'t evaluate field Nope in type time.Time');
});

test('goMap(null) is a nil map', () => {
  const d = { Options: goMap(null), Labels: goMap({ a: 'b' }) };
  assert.equal(run('{{.Options}} {{json .Options}} {{len .Options}} {{if .Options}}y{{else}}n{{end}} {{.Options.x}}', d), 'map[] null 0 n <no value>');
  assert.equal(run('{{.Labels}} {{json .Labels}}', d), 'map[a:b] {"a":"b"}');
});

test('hidden exported properties are fields (kept out of JSON)', () => {
  const v = Object.defineProperty({ ApiVersion: '1.44' }, 'APIVersion', { value: '1.44', enumerable: false });
  assert.equal(run('{{.APIVersion}} {{json .}}', v), '1.44 {"ApiVersion":"1.44"}');
});

test('goMethod: method arguments of the wrong type fail as in Go', () => {
  const item = { Name: 'v', Label: goMethod((k: string) => k, ['string']) };
  assert.equal(err('{{.Label 1}}', item), 'template: :1:9: executing "" at <1>: expected string; found 1');
  assert.equal(err('{{1 | .Label}}', item), 'template: :1:6: executing "" at <.Label>: wrong type for value; expected string; got int');
  assert.equal(run('{{.Label .Name}}', item), 'v');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateCompose } from './schema.js';
import { parseComposeYaml } from './yaml-source.js';

function check(text: string): { message: string; line?: number } | undefined {
  const f = parseComposeYaml(text, '/x/compose.yaml');
  const v = validateCompose(f.data);
  return v && { message: v.message, line: f.positionOf(v.path)?.line };
}

test('schema: valid files, including newer keys', () => {
  assert.equal(check('services:\n  web:\n    image: x\n'), undefined);
  assert.equal(
    check(
      'name: app\nservices:\n  web:\n    image: x\n    ports: [{target: 80, published: "8000-8010"}]\n    env_file: [{path: a.env, required: false}]\n' +
        '    depends_on:\n      db: {condition: service_healthy, required: false, restart: true}\n    healthcheck: {test: "true", start_interval: 1s}\n' +
        '    x-extra: 1\n  db:\n    image: d\nx-anchors: &a {}\n',
    ),
    undefined,
  );
});

test('schema: errors worded as Docker Compose, with the line of the node', () => {
  const cases: [string, string, number][] = [
    ['services:\n  web:\n    image: x\n    foo: 1\n', 'services.web Additional property foo is not allowed', 4],
    ['services:\n  web:\n    image: x\nfoo: 1\n', '(root) Additional property foo is not allowed', 4],
    ['services:\n  web:\n    image: x\n    ports: "80"\n', 'services.web.ports must be a list', 4],
    ['services:\n  web:\n    image: x\n    ports:\n      - "80"\n      - {target: 80, published: [1]}\n', 'services.web.ports.1.published must be a string or integer', 6],
    ['services:\n  web:\n    image: x\n    privileged: maybe\n', 'services.web.privileged must be a boolean', 4],
    ['services:\n  web:\n    image: x\n    environment: 12\n', 'services.web.environment must be a mapping or list', 4],
    ['services:\n  web:\n    image: x\n    restart: always\n    build: {context: ., dockerfile: 1}\n', 'services.web.build.dockerfile must be a string', 5],
    ['services:\n  web:\n    image: x\n    pull_policy: sometimes\n', 'services.web.pull_policy must be one of the following: "always", "never", "if_not_present", "build", "missing"', 4],
    ['services:\n  "we b":\n    image: x\n', 'services Additional property we b is not allowed', 2],
    ['services:\n  web:\n    image: x\n    extends: {file: a.yaml}\n', 'services.web.extends service is required', 4],
  ];
  for (const [text, message, line] of cases) assert.deepEqual(check(text), { message, line }, text);
});

test('yaml: syntax errors with line and column, anchors and merge keys', () => {
  assert.throws(() => parseComposeYaml('services:\n  web: image: x\n', '/x/c.yaml'), {
    message: 'parsing /x/c.yaml: yaml: line 2: mapping values are not allowed in this context (column 8)',
  });
  assert.throws(() => parseComposeYaml('a: 1\na: 2\n', '/x/c.yaml'), /mapping key "a" already defined at line 1/);
  assert.throws(() => parseComposeYaml('a: *nope\n', '/x/c.yaml'), /unknown anchor 'nope' referenced/);
  assert.deepEqual(parseComposeYaml('# nothing\n', '/x/c.yaml').data, {});
  assert.throws(() => parseComposeYaml('a: [1, 2\n', '/x/c.yaml'), /yaml: line \d: did not find expected ',' or ']'/);
  const multi = parseComposeYaml('services:\n  a: {image: x, ports: ["1:1"]}\n---\nservices:\n  a: {ports: ["2:2"]}\n  b: {image: y}\n', '/x/c.yaml');
  assert.deepEqual(multi.data, { services: { a: { image: 'x', ports: ['1:1', '2:2'] }, b: { image: 'y' } } });
  assert.equal(multi.positionOf(['services', 'b'])?.line, 6);
  assert.equal(multi.positionOf(['services', 'a', 'image'])?.line, 2);
  assert.throws(() => parseComposeYaml('- a\n', '/x/c.yaml'), /top-level object must be a mapping/);
  const f = parseComposeYaml('x-base: &base\n  image: x\n  environment: {A: "1"}\nservices:\n  web:\n    <<: *base\n    command: run\n', '/x/c.yaml');
  assert.deepEqual(f.data.services, { web: { image: 'x', environment: { A: '1' }, command: 'run' } });
  assert.equal(f.positionOf(['services', 'web', 'command'])?.line, 7);
  assert.equal(f.positionOf(['services', 'web', 'image'])?.line, 6);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEventsConfig, parseHumanSize, type EventsEnvironment } from '../../../../src/store/write/events-config';
import { eventLine } from '../../../../src/store/write/events';

function env(files: Record<string, string>, opts: Partial<EventsEnvironment> = {}): EventsEnvironment {
  return {
    env: {},
    uid: 0,
    home: '/root',
    readFile: (p) => files[p],
    listDir: (p) => {
      const kids = Object.keys(files)
        .filter((f) => f.startsWith(p + '/'))
        .map((f) => f.slice(p.length + 1).split('/')[0]!);
      return kids.length ? [...new Set(kids)] : undefined;
    },
    ...opts,
  };
}

test('no systemd as PID 1: the file backend under /run/libpod', () => {
  const c = resolveEventsConfig(env({ '/proc/1/comm': 'tini\n' }));
  assert.equal(c.backend, 'file');
  assert.equal(c.logFile, '/run/libpod/events/events.log');
  assert.equal(c.maxSize, 1_000_000);
});

test('systemd with a journal directory: journald (what a Debian desktop gets)', () => {
  const c = resolveEventsConfig(env({ '/proc/1/comm': 'systemd\n', '/var/log/journal/abc/system.journal': '' }));
  assert.equal(c.backend, 'journald');
});

test('containers.conf files override in order; .d files sorted; CONTAINERS_CONF alone wins', () => {
  const files = {
    '/proc/1/comm': 'systemd\n',
    '/usr/share/containers/containers.conf': '[engine]\nevents_logger = "journald"\n',
    '/etc/containers/containers.conf': '[engine]\nevents_logger = "file"\ntmp_dir = "/run/x"\n',
    '/etc/containers/containers.conf.d/20-b.conf': '[engine]\nevents_logfile_max_size = "2mb"\n',
    '/etc/containers/containers.conf.d/10-a.conf': '[engine]\nevents_logfile_max_size = "1kb"\n',
    '/my.conf': '[engine]\nevents_logger = "none"\n',
  };
  const c = resolveEventsConfig(env(files));
  assert.equal(c.backend, 'file');
  assert.equal(c.logFile, '/run/x/events/events.log');
  assert.equal(c.maxSize, 2_000_000);
  assert.equal(resolveEventsConfig(env(files, { env: { CONTAINERS_CONF: '/my.conf' } })).backend, 'none');
  assert.throws(() => resolveEventsConfig(env(files, { env: { CONTAINERS_CONF: '/nope.conf' } })), { code: 'InvalidConfig' });
});

test('rootless: the runtime dir, and the user containers.conf', () => {
  const c = resolveEventsConfig(
    env({ '/proc/1/comm': 'x', '/home/u/.config/containers/containers.conf': '[engine]\nevents_logfile_path = "/tmp/e.log"\n' }, { uid: 1000, home: '/home/u', env: { XDG_RUNTIME_DIR: '/run/user/1000' } }),
  );
  assert.equal(c.logFile, '/tmp/e.log');
  assert.equal(resolveEventsConfig(env({ '/proc/1/comm': 'x' }, { uid: 1000, home: '/home/u', env: { XDG_RUNTIME_DIR: '/run/user/1000' } })).logFile, '/run/user/1000/libpod/tmp/events/events.log');
});

test('sizes and event lines', () => {
  assert.equal(parseHumanSize('1mb'), 1_000_000);
  assert.equal(parseHumanSize('500'), 500);
  assert.throws(() => parseHumanSize('lots'), { code: 'InvalidConfig' });
  assert.equal(
    eventLine({ status: 'tag', id: 'abc', name: 'a<b', time: '2026-11-28T07:36:25.44376164Z' }),
    '{"ID":"abc","Name":"a\\u003cb","Status":"tag","Time":"2026-11-28T07:36:25.44376164Z","Type":"image","Attributes":null}',
  );
  assert.equal(eventLine({ status: 'remove', id: 'abc', time: 't' }), '{"ID":"abc","Status":"remove","Time":"t","Type":"image","Attributes":null}');
});

test('an events log that cannot be written is a warning, not a failure of the change', async () => {
  const { recordEvents } = await import('../../../../src/store/write/events');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-events-'));
  try {
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    const bad = { backend: 'file' as const, logFile: path.join(blocker, 'events.log'), maxSize: 0, configFiles: [] };
    const warnings = await recordEvents(bad, [{ status: 'tag', id: 'abc', name: 'x' }]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /change was made but its events could not be written/);
    const good = { ...bad, logFile: path.join(dir, 'ev', 'events.log'), maxSize: 200 };
    for (let i = 0; i < 5; i++) assert.deepEqual(await recordEvents(good, [{ status: 'untag', id: 'abc', name: `n${i}` }]), []);
    const lines = fs.readFileSync(good.logFile, 'utf8').trim().split('\n');
    assert.ok(lines.some((l) => JSON.parse(l).Status === 'log-rotation'), 'rotated past the size limit');
    assert.ok(fs.statSync(good.logFile).size < 400);
    assert.equal(await recordEvents(false, [{ status: 'tag', id: 'a' }]).then((w) => w.length), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

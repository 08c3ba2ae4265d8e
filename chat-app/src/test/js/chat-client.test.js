'use strict';
// Unit tests of chat-client.js's own logic, with Node's built-in test runner: node --test src/test/js
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const ChatClient = require(path.join(__dirname, '../../main/resources/public/chat-client.js'));

test('backoff grows exponentially with equal jitter, and is capped', () => {
  const low = { random: () => 0, baseMs: 500, maxMs: 30000 };
  const high = { random: () => 1, baseMs: 500, maxMs: 30000 };
  assert.deepEqual([0, 1, 2, 3].map((a) => ChatClient.backoffDelay(a, low)), [250, 500, 1000, 2000]);
  assert.deepEqual([0, 1, 2, 3].map((a) => ChatClient.backoffDelay(a, high)), [500, 1000, 2000, 4000]);
  assert.equal(ChatClient.backoffDelay(20, high), 30000);
  assert.equal(ChatClient.backoffDelay(20, low), 15000);
});

test('backoff jitter spreads reconnects between half the ceiling and the ceiling', () => {
  for (let i = 0; i < 200; i += 1) {
    const delay = ChatClient.backoffDelay(4);
    assert.ok(delay >= 4000 && delay <= 8000, `delay ${delay}`);
  }
});

test('cursor starts at a room snapshot, advances with messages, and drops messages it already has', () => {
  const cursor = new ChatClient.CursorTracker();
  assert.equal(cursor.text(), '');
  cursor.observe('activeUsers', { room: 'general', users: [], epoch: 'E', seq: 4 });
  cursor.observe('activeUsers', { room: 'dev', users: [], epoch: 'F', seq: 0 });

  assert.equal(cursor.observe('message', { room: 'general', seq: 5 }), true);
  assert.equal(cursor.observe('message', { room: 'general', seq: 5 }), false, 'a duplicate is dropped');
  assert.equal(cursor.observe('message', { room: 'general', seq: 3 }), false, 'an old one is dropped');
  assert.equal(cursor.observe('userConnected', { room: 'general', user: 'X' }), true);
  assert.equal(cursor.text(), 'dev:F:0,general:E:5');
});

test('cursor forgets a room that was not recovered, until its fresh snapshot', () => {
  const cursor = new ChatClient.CursorTracker();
  cursor.observe('activeUsers', { room: 'general', users: [], epoch: 'E', seq: 9 });
  cursor.observe('notRecovered', { room: 'general', reason: 'history_trimmed' });
  assert.equal(cursor.text(), '');
  cursor.observe('activeUsers', { room: 'general', users: [], epoch: 'E', seq: 40 });
  assert.equal(cursor.text(), 'general:E:40');
});

test('a room whose history was lost starts over at the snapshot of its new epoch', () => {
  const cursor = new ChatClient.CursorTracker();
  cursor.observe('activeUsers', { room: 'general', users: [], epoch: 'E', seq: 9 });
  cursor.observe('message', { room: 'general', seq: 10 });

  cursor.observe('notRecovered', { room: 'general', reason: 'epoch_changed' }); // sent live by the server
  cursor.observe('activeUsers', { room: 'general', users: [], epoch: 'F', seq: 0 });

  assert.equal(cursor.observe('message', { room: 'general', seq: 1 }), true, 'the new epoch is not taken for repeats');
  assert.equal(cursor.text(), 'general:F:1');
});

test('outbox keeps unacked sends in order, and an ack settles and removes one', async () => {
  const outbox = new ChatClient.Outbox();
  const settled = [];
  outbox.add('r1', { event: 'message', data: { ref: 'r1', text: 'a' } }, (o) => settled.push(['r1', o]));
  outbox.add('r2', { event: 'message', data: { ref: 'r2', text: 'b' } }, (o) => settled.push(['r2', o]));

  assert.deepEqual(outbox.envelopes().map((e) => e.data.ref), ['r1', 'r2']);
  assert.equal(outbox.ack('r1', { ack: { seq: 1 } }), true);
  assert.equal(outbox.ack('r1', { ack: { seq: 1 } }), false, 'a second ack for a ref is ignored');
  assert.deepEqual(outbox.envelopes().map((e) => e.data.ref), ['r2']);
  assert.deepEqual(settled, [['r1', { ack: { seq: 1 } }]]);
  assert.equal(outbox.size, 1);
});

test('sends made while offline wait in the outbox with a ref each', () => {
  const client = new ChatClient({ url: 'http://127.0.0.1:1' });
  client.send('hello', 'general').catch(() => {});
  client.send('again', 'dev').catch(() => {});
  const envelopes = client.outbox.envelopes();
  assert.equal(envelopes.length, 2);
  assert.notEqual(envelopes[0].data.ref, envelopes[1].data.ref);
  assert.deepEqual(envelopes.map((e) => [e.event, e.data.text, e.data.room]), [['message', 'hello', 'general'], ['message', 'again', 'dev']]);
});

test('a connection that goes silent past heartbeat plus margin is closed and resumed', async () => {
  const sockets = [];
  class SilentSocket {
    constructor(url) {
      this.url = url;
      this.closed = false;
      sockets.push(this);
      setTimeout(() => this.onmessage && this.onmessage({ data: JSON.stringify({
        event: 'welcome', data: { user: 'Tester', session: 'S'.repeat(22), rooms: ['general'], resumed: false },
      }) }), 5);
    }
    send() {}
    close() { this.closed = true; }
  }
  const previous = global.WebSocket;
  global.WebSocket = SilentSocket;
  try {
    const client = new ChatClient({
      url: 'http://127.0.0.1:1', transports: ['websocket'], heartbeatMs: 60, heartbeatMarginMs: 40,
      backoff: { baseMs: 10, maxMs: 10 },
    });
    const states = [];
    client.on('state', ({ state }) => states.push(state));
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 400));
    client.disconnect();

    assert.ok(sockets.length >= 2, `reconnected (${sockets.length} sockets)`);
    assert.equal(sockets[0].closed, true, 'the silent socket was closed');
    assert.ok(sockets[1].url.includes('session=' + 'S'.repeat(22)), 'the new socket resumes the session');
    assert.deepEqual(states.slice(0, 3), ['connecting', 'connected', 'reconnecting']);
  } finally {
    global.WebSocket = previous;
  }
});

test('a send answered outcome_unknown is sent again with the same ref until it is acked', async () => {
  const sent = [];
  class AnsweringSocket {
    constructor() {
      setTimeout(() => this.deliver('welcome', { user: 'Tester', session: 'S'.repeat(22), rooms: ['general'], resumed: false }), 1);
    }
    deliver(event, data) { if (this.onmessage) this.onmessage({ data: JSON.stringify({ event, data }) }); }
    send(text) {
      const envelope = JSON.parse(text);
      sent.push(envelope);
      const ref = envelope.data.ref;
      if (sent.length < 3) setTimeout(() => this.deliver('error', { code: 'outcome_unknown', message: 'no answer', ref }), 1);
      else setTimeout(() => this.deliver('ack', { ref, room: 'general', seq: 7 }), 1);
    }
    close() {}
  }
  const previous = global.WebSocket;
  global.WebSocket = AnsweringSocket;
  try {
    const client = new ChatClient({ url: 'http://127.0.0.1:1', transports: ['websocket'], backoff: { baseMs: 5, maxMs: 5 } });
    const errors = [];
    client.on('error', (e) => errors.push(e));
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ack = await client.send('once', 'general');
    client.disconnect();

    assert.equal(ack.seq, 7);
    assert.equal(sent.length, 3);
    assert.equal(new Set(sent.map((e) => e.data.ref)).size, 1, 'every try carries the same ref');
    assert.deepEqual(errors, [], 'an unknown outcome is not shown as a failure');
  } finally {
    global.WebSocket = previous;
  }
});

test('a node that turns the client away with Retry-After is honoured, with jitter up to half again', () => {
  assert.equal(ChatClient.retryDelay(2000, 0, { random: () => 0 }), 2000);
  assert.equal(ChatClient.retryDelay(2000, 0, { random: () => 1 }), 3000);
  assert.equal(ChatClient.retryDelay(0, 2, { random: () => 1, baseMs: 500 }), 2000, 'no Retry-After: the backoff');
});

for (const status of [503, 429]) test(`a poll refused with ${status} and Retry-After waits that long before trying again`, async () => {
  const requests = [];
  const previousFetch = global.fetch;
  global.fetch = async (url) => {
    requests.push({ url, at: Date.now() });
    return { ok: false, status, headers: { get: (name) => (name === 'Retry-After' ? '1' : null) } };
  };
  try {
    const client = new ChatClient({ url: 'http://127.0.0.1:1', transports: ['polling'] });
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(requests.length, 1, 'no second try within the second it asked for');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    client.disconnect();
    assert.equal(requests.length, 2, 'tried again after it');
  } finally {
    global.fetch = previousFetch;
  }
});

/** A WebSocket stand-in that welcomes the client and records how it was closed. */
function welcomingSocketClass(sockets) {
  return class WelcomingSocket {
    constructor(url) {
      this.url = url;
      this.closedWith = null;
      sockets.push(this);
      setTimeout(() => this.deliver('welcome', { user: 'Tester', session: 'S'.repeat(22), rooms: ['general'], resumed: false }), 1);
    }
    deliver(event, data) { if (this.onmessage) this.onmessage({ data: JSON.stringify({ event, data }) }); }
    send() {}
    close(code) { this.closedWith = code === undefined ? 'no code' : code; }
  };
}

test('disconnect() closes a WebSocket with 1000, so the server ends the session at once', async () => {
  const sockets = [];
  const previous = global.WebSocket;
  global.WebSocket = welcomingSocketClass(sockets);
  try {
    const client = new ChatClient({ url: 'http://127.0.0.1:1', transports: ['websocket'] });
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.disconnect();

    assert.equal(sockets.length, 1);
    assert.equal(sockets[0].closedWith, 1000);
    assert.equal(client.session, null, 'nothing left to resume');
    assert.equal(client.state, 'offline');
  } finally {
    global.WebSocket = previous;
  }
});

test('disconnect() over SSE or polling sends DELETE /chat/session with the session', async () => {
  const requests = [];
  const previousFetch = global.fetch;
  let polls = 0;
  global.fetch = async (url, init = {}) => {
    requests.push({ url, method: init.method || 'GET', headers: init.headers || {} });
    if ((init.method || 'GET') === 'GET') {
      polls += 1;
      if (polls > 1) { // held, as the server holds a poll, until the client aborts it
        return new Promise((resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({
        cursor: 'c1', events: [{ event: 'welcome', data: { user: 'Tester', session: 'P'.repeat(22), rooms: ['general'], resumed: false } }],
      }) };
    }
    return { ok: true, status: 204 };
  };
  try {
    const client = new ChatClient({ url: 'http://127.0.0.1:1', transports: ['polling'] });
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.disconnect();

    const deletes = requests.filter((r) => r.method === 'DELETE');
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0].url, 'http://127.0.0.1:1/chat/session');
    assert.equal(deletes[0].headers.Authorization, 'Bearer ' + 'P'.repeat(22));
  } finally {
    global.fetch = previousFetch;
  }
});

test('a session the server ended for flooding (1008) is not resumed: the client says ended and stays offline', async () => {
  const sockets = [];
  const previous = global.WebSocket;
  global.WebSocket = welcomingSocketClass(sockets);
  try {
    const client = new ChatClient({ url: 'http://127.0.0.1:1', transports: ['websocket'], backoff: { baseMs: 5, maxMs: 5 } });
    const ended = [];
    client.on('ended', (e) => ended.push(e.reason));
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    sockets[0].onclose({ code: 1008, reason: 'rate limit abuse' });
    await new Promise((resolve) => setTimeout(resolve, 50));

    assert.deepEqual(ended, ['abuse']);
    assert.equal(sockets.length, 1, 'no reconnect');
    assert.equal(client.state, 'offline');
  } finally {
    global.WebSocket = previous;
  }
});

test('a dropped WebSocket (1006) is still resumed', async () => {
  const sockets = [];
  const previous = global.WebSocket;
  global.WebSocket = welcomingSocketClass(sockets);
  try {
    const client = new ChatClient({ url: 'http://127.0.0.1:1', transports: ['websocket'], backoff: { baseMs: 5, maxMs: 5 } });
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    sockets[0].onclose({ code: 1006, reason: '' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.disconnect();

    assert.ok(sockets.length >= 2, 'reconnected');
    assert.ok(sockets[1].url.includes('session=' + 'S'.repeat(22)), 'resuming the session');
  } finally {
    global.WebSocket = previous;
  }
});

test('a signed-in client asks getToken() for each new session and puts it on the URL, but never on a resume', async () => {
  const sockets = [];
  const previous = global.WebSocket;
  global.WebSocket = welcomingSocketClass(sockets);
  try {
    let asked = 0;
    const client = new ChatClient({
      url: 'http://127.0.0.1:1', transports: ['websocket'], backoff: { baseMs: 5, maxMs: 5 },
      getToken: async () => { asked += 1; return `jwt-${asked}`; },
    });
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    sockets[0].onclose({ code: 1006, reason: '' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.disconnect();

    assert.ok(sockets[0].url.endsWith('/chat?token=jwt-1'), sockets[0].url);
    assert.ok(sockets[1].url.includes('session='), 'the resume names the session');
    assert.ok(!sockets[1].url.includes('token='), 'and carries no token');
    assert.equal(asked, 1);
  } finally {
    global.WebSocket = previous;
  }
});

test('tokenExpiring makes the client send refresh with a fresh token from getToken()', async () => {
  const sent = [];
  const sockets = [];
  class RefreshingSocket extends welcomingSocketClass(sockets) {
    send(text) { sent.push(JSON.parse(text)); }
  }
  const previous = global.WebSocket;
  global.WebSocket = RefreshingSocket;
  try {
    const client = new ChatClient({
      url: 'http://127.0.0.1:1', transports: ['websocket'], getToken: () => 'fresh-jwt',
    });
    const warnings = [];
    client.on('tokenExpiring', (e) => warnings.push(e.expiresAt));
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    sockets[0].deliver('tokenExpiring', { expiresAt: 1234 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.disconnect();

    assert.deepEqual(warnings, [1234]);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].event, 'refresh');
    assert.equal(sent[0].data.token, 'fresh-jwt');
    assert.ok(sent[0].data.ref, 'with a ref, so its ack settles it');
  } finally {
    global.WebSocket = previous;
  }
});

test('members() asks for a page and resolves with the members event that answers it', async () => {
  const sent = [];
  const sockets = [];
  class PagingSocket extends welcomingSocketClass(sockets) {
    send(text) {
      const envelope = JSON.parse(text);
      sent.push(envelope);
      const { ref, room } = envelope.data;
      setTimeout(() => {
        this.deliver('members', { room, users: ['Amy', 'Bo'], next: 'Bo', ref });
        this.deliver('ack', { ref });
      }, 1);
    }
  }
  const previous = global.WebSocket;
  global.WebSocket = PagingSocket;
  try {
    const client = new ChatClient({ url: 'http://127.0.0.1:1', transports: ['websocket'] });
    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const page = await client.members('general', { after: 'Al', limit: 2 });
    client.disconnect();

    assert.deepEqual(page.users, ['Amy', 'Bo']);
    assert.equal(page.next, 'Bo');
    assert.deepEqual(sent[0].data, { ref: sent[0].data.ref, room: 'general', after: 'Al', limit: 2 });
    assert.equal(sent[0].event, 'members');
  } finally {
    global.WebSocket = previous;
  }
});

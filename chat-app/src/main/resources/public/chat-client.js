/*
 * chat-client.js: browser client for the chat service (docs/client.md).
 * Picks the best transport that works (WebSocket, then Server-Sent Events, then long-polling),
 * reconnects with exponential backoff and jitter, resumes its session from its cursor so no
 * message is lost or shown twice, detects dead connections by heartbeat, and retries unacked
 * sends (the server deduplicates them by ref). No dependencies, no build step.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.ChatClient = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  const TRANSPORTS = ['websocket', 'sse', 'polling'];
  const ROOM_EVENTS = ['welcome', 'activeUsers', 'userConnected', 'userDisconnected', 'message',
    'notRecovered', 'ack', 'error', 'heartbeat', 'close', 'tokenExpiring', 'members', 'presence'];

  /** WebSocket close codes the server uses for an end that is not "reconnect and resume" (docs/protocol.md). */
  const WS_CLOSE_REASONS = { 1000: 'ended', 1008: 'abuse', 4009: 'replaced', 4401: 'unknown-session' };
  /** Ends after which the session is gone but a new one may start (with a fresh token, when signed in). */
  const SESSION_GONE = ['signed_out'];
  /** Ends after which the client stays offline: the session is over, or it was ended for flooding. */
  const FINAL_CLOSES = ['ended', 'abuse'];

  /** An SSE `close` event's or a poll's `closed` reason, as the client acts on it. */
  function serverCloseReason(reason) {
    if (reason === 'replaced' || FINAL_CLOSES.includes(reason)) return reason;
    if (SESSION_GONE.includes(reason)) return 'unknown-session';
    return 'closed';
  }

  /** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with "equal jitter". */
  function backoffDelay(attempt, options = {}) {
    const base = options.baseMs ?? 500;
    const max = options.maxMs ?? 30000;
    const random = options.random ?? Math.random;
    const ceiling = Math.min(max, base * Math.pow(2, attempt));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  /**
   * How long to wait before reconnecting: the server's Retry-After when it gave one, plus up to half again as
   * jitter (so clients a node turned away do not all come back at the same moment); else the backoff.
   */
  function retryDelay(retryAfterMs, attempt, options = {}) {
    if (retryAfterMs > 0) {
      const random = options.random ?? Math.random;
      return Math.round(retryAfterMs * (1 + random() / 2));
    }
    return backoffDelay(attempt, options);
  }

  /** What the client has read, per room: the server's resume cursor, and the guard against duplicates. */
  class CursorTracker {
    constructor() { this.rooms = new Map(); }

    /** Returns false for a message the client already has (so it is not shown twice). */
    observe(event, data) {
      if (event === 'activeUsers') {
        this.rooms.set(data.room, { epoch: data.epoch, seq: data.seq });
      } else if (event === 'message') {
        const position = this.rooms.get(data.room);
        if (position && data.seq <= position.seq) return false;
        if (position) position.seq = data.seq;
      } else if (event === 'notRecovered') {
        this.rooms.delete(data.room); // the next activeUsers sets a fresh position
      }
      return true;
    }

    forget(room) { this.rooms.delete(room); }

    /** The cursor text: room:epoch:seq, comma separated, rooms in name order. */
    text() {
      return [...this.rooms.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([room, p]) => `${room}:${p.epoch}:${p.seq}`)
        .join(',');
    }
  }

  /** Sends not yet acknowledged, oldest first; each keeps its ref so a resend lands once. */
  class Outbox {
    constructor() { this.pending = new Map(); }
    add(ref, envelope, settle) { this.pending.set(ref, { envelope, settle, unknownTries: 0 }); }
    get(ref) { return this.pending.get(ref); }
    ack(ref, outcome) {
      const entry = this.pending.get(ref);
      if (!entry) return false;
      this.pending.delete(ref);
      entry.settle(outcome);
      return true;
    }
    envelopes() { return [...this.pending.values()].map((entry) => entry.envelope); }
    get size() { return this.pending.size; }
  }

  let refCounter = 0;
  function newRef() {
    refCounter += 1;
    return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${refCounter}`;
  }

  /** Opens one transport; calls back with envelopes, and `onEnd(reason)` once when it ends. */
  function openTransport(kind, base, session, cursorText, callbacks) {
    try {
      if (kind === 'websocket') return openWebSocket(base, session, cursorText, callbacks);
      if (kind === 'sse') return openSse(base, session, cursorText, callbacks);
      return openPolling(base, session, cursorText, callbacks);
    } catch (e) { // e.g. the browser or a policy refuses to construct it
      setTimeout(() => callbacks.onEnd('failed'));
      return { send: () => { throw e; }, close: () => {} };
    }
  }

  /** A resume names the session (and cursor); a new session of a signed-in user carries its token. */
  function query(session, cursorText, token) {
    if (!session) return token ? `?token=${encodeURIComponent(token)}` : '';
    return `?session=${encodeURIComponent(session)}` + (cursorText ? `&cursor=${encodeURIComponent(cursorText)}` : '');
  }

  function openWebSocket(base, session, cursorText, { onEvent, onEnd, token }) {
    const url = base.replace(/^http/, 'ws') + '/chat' + query(session, cursorText, token);
    const socket = new WebSocket(url);
    let ended = false;
    const end = (reason) => { if (!ended) { ended = true; onEnd(reason); } };
    socket.onmessage = (frame) => {
      try { const envelope = JSON.parse(frame.data); onEvent(envelope.event, envelope.data); } catch (e) { /* not ours */ }
    };
    socket.onclose = (close) => end(WS_CLOSE_REASONS[close.code] || 'closed');
    socket.onerror = () => end('failed');
    return {
      send: (envelope) => socket.send(JSON.stringify(envelope)),
      // No close code: the server keeps the session for its reconnect grace (we are only switching connections).
      close: () => { ended = true; try { socket.close(); } catch (e) { /* already closed */ } },
      // 1000: the server ends the session at once, and its rooms hear that it left.
      goodbye: () => { ended = true; try { socket.close(1000, 'bye'); } catch (e) { /* already closed */ } },
    };
  }

  /** DELETE /chat/session: the session ends at once. keepalive lets it finish while the page unloads. */
  function endSession(base, session) {
    if (!session) return;
    fetch(base + '/chat/session', {
      method: 'DELETE', headers: { 'Authorization': `Bearer ${session}` }, keepalive: true,
    }).catch(() => { /* the session then ends after its grace */ });
  }

  async function post(base, session, envelope) {
    const response = await fetch(base + '/chat/send', {
      method: 'POST',
      headers: { 'Authorization': `Bearer ${session}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(envelope),
    });
    const data = await response.json();
    return { ok: response.ok, status: response.status, data };
  }

  function openSse(base, session, cursorText, { onEvent, onEnd, sessionOf, token }) {
    const source = new EventSource(base + '/chat/sse' + query(session, cursorText, token));
    let ended = false;
    const end = (reason) => { if (!ended) { ended = true; source.close(); onEnd(reason); } };
    for (const name of ROOM_EVENTS) {
      source.addEventListener(name, (event) => {
        if (typeof event.data !== 'string') return; // the browser's own 'error' Event
        try { onEvent(name, JSON.parse(event.data)); } catch (e) { /* not ours */ }
        if (name === 'close') end(serverCloseReason(JSON.parse(event.data).reason));
      });
    }
    source.onerror = () => end('failed'); // we reconnect ourselves, with our cursor
    return {
      send: (envelope) => post(base, sessionOf(), envelope).then((reply) => deliverReply(reply, envelope, onEvent)),
      close: () => { ended = true; source.close(); },
      goodbye: () => { ended = true; source.close(); endSession(base, sessionOf()); },
    };
  }

  function openPolling(base, session, cursorText, { onEvent, onEnd, onAlive, sessionOf, pollTimeoutSeconds, token }) {
    let ended = false;
    let controller = null;
    // A cursor from elsewhere is resumed from its message positions (docs/protocol.md, Long-polling).
    let cursor = session ? `resume~0~${cursorText || ''}` : null;
    const end = (reason, retryAfterMs) => {
      if (!ended) { ended = true; if (controller) controller.abort(); onEnd(reason, retryAfterMs); }
    };
    (async function loop() {
      let current = session;
      while (!ended) {
        controller = new AbortController();
        const params = current
          ? `?session=${encodeURIComponent(current)}&cursor=${encodeURIComponent(cursor || '')}&timeout=${pollTimeoutSeconds}`
          : query(null, null, token);
        let response;
        try {
          response = await fetch(base + '/chat/poll' + params, { signal: controller.signal, cache: 'no-store' });
        } catch (e) { end('failed'); return; }
        if (response.status === 401) { end('unknown-session'); return; }
        if ((response.status === 503 || response.status === 429) && response.headers.get('Retry-After')) {
          // the node takes no new connections now (full, too many at once, or draining): wait as it asks
          end('refused', 1000 * Number(response.headers.get('Retry-After')));
          return;
        }
        if (!response.ok) { end('failed'); return; }
        const body = await response.json();
        cursor = body.cursor;
        onAlive(); // an empty answer after the poll timeout is this transport's heartbeat
        for (const envelope of body.events) {
          if (ended) return;
          onEvent(envelope.event, envelope.data);
        }
        if (body.closed && serverCloseReason(body.closed) !== 'closed') { end(serverCloseReason(body.closed)); return; }
        current = sessionOf();
      }
    })();
    return {
      send: (envelope) => post(base, sessionOf(), envelope).then((reply) => deliverReply(reply, envelope, onEvent)),
      close: () => { ended = true; if (controller) controller.abort(); },
      goodbye: () => { ended = true; if (controller) controller.abort(); endSession(base, sessionOf()); },
    };
  }

  /** An HTTP send answers with the ack or error data: hand it on like a pushed event. */
  function deliverReply(reply, envelope, onEvent) {
    const ref = envelope.data && envelope.data.ref;
    if (reply.ok) onEvent('ack', reply.data);
    else onEvent('error', Object.assign({ ref }, reply.data));
  }

  /**
   * const chat = new ChatClient({ url: 'http://host:8080', transports: ['websocket', 'sse', 'polling'] });
   * chat.on('message', (m) => ...); chat.connect(); chat.send('hello', 'general').then(ack => ...)
   */
  class ChatClient {
    constructor(options = {}) {
      this.base = (options.url || (typeof location !== 'undefined' ? location.origin : '')).replace(/\/$/, '');
      this.transports = (options.transports || TRANSPORTS).filter((t) => TRANSPORTS.includes(t));
      this.heartbeatMs = options.heartbeatMs ?? 25000;
      this.heartbeatMarginMs = options.heartbeatMarginMs ?? 10000;
      this.openTimeoutMs = options.openTimeoutMs ?? 5000;
      this.pollTimeoutSeconds = options.pollTimeoutSeconds ?? 25;
      this.backoff = options.backoff || {};
      // Sign-in (when the service requires it): returns a JWT, or a promise of one; asked for each new session and
      // again when the server says the token is expiring.
      this.getToken = options.getToken || null;
      this.listeners = new Map();
      this.pages = new Map(); // ref -> resolve, for members() pages
      this.cursor = new CursorTracker();
      this.outbox = new Outbox();
      this.session = null;
      this.user = null;
      this.state = 'offline';
      this.transport = null;
      this.current = null;
      this.attempt = 0;
      this.transportIndex = 0;
      this.stopped = true;
    }

    on(event, listener) {
      if (!this.listeners.has(event)) this.listeners.set(event, []);
      this.listeners.get(event).push(listener);
      return this;
    }

    emit(event, payload) {
      for (const listener of this.listeners.get(event) || []) {
        try { listener(payload); } catch (e) { setTimeout(() => { throw e; }); }
      }
    }

    connect() {
      this.stopped = false;
      this.open();
      return this;
    }

    /** Leaves for good: the server ends the session at once (its rooms hear that the user left). */
    disconnect() {
      this.stopped = true;
      if (this.current && this.current.goodbye) {
        const current = this.current;
        this.current = null;
        current.goodbye();
      }
      this.teardown();
      this.session = null;
      this.cursor = new CursorTracker();
      this.setState('offline');
    }

    /** Sends a message; resolves with its ack, rejects with the server's error. Kept and resent until acked. */
    send(text, room = 'general') {
      return this.command('message', { text, room });
    }

    join(room) { return this.command('join', { room }); }

    /**
     * A page of a room's members, sorted by nickname: resolves with `{ room, users, next }` (`next`: pass it as
     * `after` for the next page; absent on the last). For rooms whose `activeUsers` said `complete: false`.
     */
    members(room, { after, limit } = {}) {
      const ref = newRef();
      const page = new Promise((resolve) => this.pages.set(ref, resolve));
      const data = Object.assign({ ref, room }, after ? { after } : {}, limit ? { limit } : {});
      const envelope = { event: 'members', data };
      const acked = new Promise((resolve, reject) => {
        this.outbox.add(ref, envelope, (outcome) => (outcome.error ? reject(outcome.error) : resolve(outcome.ack)));
      });
      if (this.state === 'connected') this.transmit(envelope);
      return acked.then(() => page, (error) => { this.pages.delete(ref); throw error; });
    }

    leave(room) {
      return this.command('leave', { room }).then((ack) => { this.cursor.forget(room); return ack; });
    }

    command(event, data) {
      const ref = newRef();
      const envelope = { event, data: Object.assign({ ref }, data) };
      const result = new Promise((resolve, reject) => {
        this.outbox.add(ref, envelope, (outcome) => (outcome.error ? reject(outcome.error) : resolve(outcome.ack)));
      });
      if (this.state === 'connected') this.transmit(envelope);
      return result;
    }

    transmit(envelope) {
      try {
        const sent = this.current && this.current.send(envelope);
        if (sent && typeof sent.catch === 'function') sent.catch(() => { /* stays in the outbox, resent later */ });
      } catch (e) { /* stays in the outbox */ }
    }

    open() {
      const kind = this.transports[this.transportIndex];
      this.setState(this.session ? 'reconnecting' : 'connecting', kind);
      if (this.session || !this.getToken) {
        this.openWith(kind, null);
        return;
      }
      const attempt = this.attempt;
      Promise.resolve()
        .then(() => this.getToken())
        .then((token) => { if (!this.stopped && attempt === this.attempt) this.openWith(kind, token); })
        .catch(() => { if (!this.stopped) this.afterEnd('failed'); });
    }

    openWith(kind, token) {
      let welcomed = false;
      const handle = openTransport(kind, this.base, this.session, this.cursor.text(), {
        token,
        pollTimeoutSeconds: this.pollTimeoutSeconds,
        sessionOf: () => this.session,
        onAlive: () => { if (handle === this.current) this.alive(); },
        onEvent: (event, data) => {
          if (handle !== this.current) return;
          this.alive();
          if (event === 'welcome') { welcomed = true; clearTimeout(this.openTimer); }
          this.dispatch(event, data, kind);
        },
        onEnd: (reason, retryAfterMs) => {
          if (handle !== this.current) return;
          this.teardown();
          if (!welcomed && this.transportIndex < this.transports.length - 1 && !this.session) {
            this.transportIndex += 1; // this transport does not work here: fall back at once
            this.open();
            return;
          }
          this.afterEnd(reason, retryAfterMs);
        },
      });
      this.current = handle;
      clearTimeout(this.openTimer);
      this.openTimer = setTimeout(() => {
        if (handle === this.current && !welcomed) {
          handle.close();
          this.onStall(handle, kind);
        }
      }, this.openTimeoutMs);
    }

    /** A transport that opened nothing within the timeout (e.g. a proxy ate the upgrade): next one. */
    onStall(handle, kind) {
      if (handle !== this.current) return;
      this.teardown();
      if (this.transportIndex < this.transports.length - 1) {
        this.transportIndex += 1;
        this.open();
      } else {
        this.afterEnd('stalled');
      }
    }

    afterEnd(reason, retryAfterMs) {
      if (this.stopped) return;
      if (reason === 'replaced') { this.stopped = true; this.setState('offline'); return; }
      if (FINAL_CLOSES.includes(reason)) {
        // The server ended the session (abuse: for flooding); reconnecting would only start the same again.
        this.stopped = true;
        this.session = null;
        this.cursor = new CursorTracker();
        this.emit('ended', { reason });
        this.setState('offline');
        return;
      }
      if (reason === 'unknown-session') { this.session = null; this.cursor = new CursorTracker(); }
      const delay = retryDelay(retryAfterMs, this.attempt, this.backoff);
      this.attempt += 1;
      this.setState('reconnecting', this.transports[this.transportIndex]);
      this.retryTimer = setTimeout(() => { if (!this.stopped) this.open(); }, delay);
    }

    dispatch(event, data, kind) {
      if (!this.cursor.observe(event, data)) return; // a message we already have
      switch (event) {
        case 'welcome':
          this.session = data.session;
          this.user = data.user;
          this.attempt = 0;
          this.setState('connected', kind);
          this.emit('welcome', data);
          for (const envelope of this.outbox.envelopes()) this.transmit(envelope); // resent: lands once
          break;
        case 'ack': this.outbox.ack(data.ref, { ack: data }); break;
        case 'error':
          if (data.code === 'outcome_unknown' && this.retryUnknown(data.ref)) break;
          if (data.ref) this.outbox.ack(data.ref, { error: data });
          this.emit('error', data);
          break;
        case 'message': this.emit('message', data); break;
        case 'activeUsers': case 'userConnected': case 'userDisconnected': case 'presence':
          this.emit('presence', Object.assign({ type: event }, data));
          break;
        case 'notRecovered': this.emit('notRecovered', data); break;
        case 'tokenExpiring': this.refreshToken(data); break;
        case 'members': {
          const resolve = this.pages.get(data.ref);
          if (resolve) { this.pages.delete(data.ref); resolve(data); }
          this.emit('members', data);
          break;
        }
        default: break;
      }
    }

    /** The sign-in runs out soon: hand the server a fresh token, and the session carries on. */
    refreshToken(data) {
      this.emit('tokenExpiring', data);
      if (!this.getToken) return;
      Promise.resolve()
        .then(() => this.getToken())
        .then((token) => this.command('refresh', { token }))
        .catch((error) => this.emit('error', Object.assign({ code: 'refresh_failed' }, error)));
    }

    /**
     * The server could not tell whether a command was carried out (its store did not answer in time): send it again
     * with the same ref, after a backoff. The server carries a ref out once, so it lands once.
     */
    retryUnknown(ref) {
      const entry = ref && this.outbox.get(ref);
      if (!entry) return false;
      const delay = backoffDelay(entry.unknownTries, this.backoff);
      entry.unknownTries += 1;
      setTimeout(() => {
        if (this.state === 'connected' && this.outbox.get(ref) === entry) this.transmit(entry.envelope);
      }, delay);
      return true;
    }

    /** Any data proves the connection alive; silence past heartbeat + margin means it is dead. */
    alive() {
      clearTimeout(this.deadTimer);
      const current = this.current;
      this.deadTimer = setTimeout(() => {
        if (current === this.current && current) { current.close(); this.teardown(); this.afterEnd('dead'); }
      }, this.heartbeatMs + this.heartbeatMarginMs);
    }

    teardown() {
      clearTimeout(this.openTimer);
      clearTimeout(this.deadTimer);
      clearTimeout(this.retryTimer);
      if (this.current) { const c = this.current; this.current = null; c.close(); }
    }

    setState(state, transport = this.transport) {
      this.state = state;
      this.transport = transport;
      this.emit('state', { state, transport });
    }
  }

  ChatClient.backoffDelay = backoffDelay;
  ChatClient.retryDelay = retryDelay;
  ChatClient.CursorTracker = CursorTracker;
  ChatClient.Outbox = Outbox;
  return ChatClient;
});

// The chat page: renders what ChatClient reports. User-supplied text only ever goes into textContent.
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const forced = params.get('transport');
  // A service that signs users in is opened as /?token=JWT by the application that issued the token.
  const token = params.get('token');
  const chat = new ChatClient(Object.assign(
    forced ? { transports: [forced] } : {},
    token ? { getToken: () => token } : {}));
  // name -> { users: Set, items: li[], count, next }: users is what is known of the members (all of them in a room
  // up to the server's list limit; in a bigger one the first ones and whatever pages were loaded)
  const rooms = new Map();
  let current = 'general';

  const $ = (id) => document.getElementById(id);

  function room(name) {
    if (!rooms.has(name)) rooms.set(name, { users: new Set(), items: [], count: 0, next: null });
    return rooms.get(name);
  }

  function add(name, item) {
    room(name).items.push(item);
    if (name === current) { $('messages').appendChild(item); item.scrollIntoView({ block: 'end' }); }
  }

  function line(className, text) {
    const item = document.createElement('li');
    item.className = className;
    item.textContent = text;
    return item;
  }

  function renderRooms() {
    const list = $('rooms');
    list.replaceChildren();
    for (const name of [...rooms.keys()].sort()) {
      const item = document.createElement('li');
      item.dataset.room = name;
      item.className = name === current ? 'current' : '';
      const label = document.createElement('span');
      label.textContent = '#' + name;
      item.appendChild(label);
      const leave = document.createElement('button');
      leave.type = 'button';
      leave.title = 'leave ' + name;
      leave.textContent = '×';
      leave.onclick = (event) => { event.stopPropagation(); leaveRoom(name); };
      item.appendChild(leave);
      item.onclick = () => show(name);
      list.appendChild(item);
    }
  }

  function renderUsers() {
    const shown = room(current);
    $('room-title').textContent = '#' + current;
    $('online-count').textContent = `${Math.max(shown.count, shown.users.size)} online`;
    const list = $('users');
    list.replaceChildren();
    for (const user of [...shown.users].sort()) {
      const item = document.createElement('li');
      item.textContent = user;
      list.appendChild(item);
    }
    $('more-members').hidden = !shown.next;
  }

  /** A big room lists its first members only: the next page, on request. */
  function loadMoreMembers() {
    const name = current;
    const shown = room(name);
    if (!shown.next) return;
    chat.members(name, { after: shown.next }).then((page) => {
      page.users.forEach((user) => shown.users.add(user));
      shown.next = page.next || null;
      if (name === current) renderUsers();
    }, (error) => add(name, line('system error', error.message)));
  }

  function show(name) {
    current = name;
    $('messages').replaceChildren(...room(name).items);
    renderRooms();
    renderUsers();
  }

  function leaveRoom(name) {
    chat.leave(name).then(() => {
      rooms.delete(name);
      show(rooms.has('general') ? 'general' : ([...rooms.keys()][0] || 'general'));
    }, (error) => add(current, line('system error', error.message)));
  }

  chat.on('state', ({ state, transport }) => {
    $('state').textContent = state;
    $('transport').textContent = transport || '…';
    document.body.dataset.state = state;
    document.body.dataset.transport = transport || '';
  });

  chat.on('welcome', (welcome) => {
    $('nickname').textContent = welcome.user;
    for (const name of welcome.rooms) room(name);
    if (!rooms.has(current)) current = welcome.rooms[0] || 'general';
    renderRooms();
  });

  chat.on('message', (message) => {
    const item = document.createElement('li');
    item.className = 'message';
    item.dataset.seq = message.seq;
    item.dataset.room = message.room;
    const time = document.createElement('time');
    time.dateTime = message.time;
    time.textContent = new Date(message.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const author = document.createElement('span');
    author.className = 'author';
    author.textContent = message.user;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    item.append(time, author, text);
    add(message.room, item);
  });

  chat.on('presence', (event) => {
    const shown = room(event.room);
    const members = shown.users;
    if (event.type === 'activeUsers') {
      members.clear();
      event.users.forEach((user) => members.add(user));
      shown.count = event.count ?? event.users.length;
      shown.next = event.complete === false && event.users.length ? event.users[event.users.length - 1] : null;
    } else if (event.type === 'userConnected') {
      members.add(event.user);
      shown.count += 1;
      add(event.room, line('system', `${event.user} joined`));
    } else if (event.type === 'userDisconnected') {
      members.delete(event.user);
      shown.count = Math.max(0, shown.count - 1);
      add(event.room, line('system', `${event.user} left`));
    } else if (event.type === 'presence') { // a big room: what changed in the last interval, and the count
      event.left.forEach((user) => members.delete(user));
      shown.count = event.count;
    }
    if (event.room === current) renderUsers();
    renderRooms();
  });

  chat.on('notRecovered', (event) => add(event.room, line('system', 'Some earlier messages could not be recovered.')));
  chat.on('error', (error) => { if (!error.ref) add(current, line('system error', error.message)); });

  $('more-members').addEventListener('click', loadMoreMembers);

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('text');
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    chat.send(text, current).catch((error) => add(current, line('system error', error.message)));
  });

  $('join').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('room-name').value.trim();
    if (!name) return;
    $('room-name').value = '';
    room(name);
    show(name);
    chat.join(name).catch((error) => { rooms.delete(name); show('general'); add(current, line('system error', error.message)); });
  });

  window.chat = chat; // for the console, and for tests
  chat.connect();
})();

// What the app's own front end sends, one request per line of output:
// node client.js http://127.0.0.1:PORT  ->  one JSON line per request {status, body}.
const base = process.argv[2];

const json = (method, path, body) => [path, {
  method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
}];
const form = (path, body) => [path, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
}];
const get = (path) => [path, { method: 'GET', redirect: 'manual' }];

const requests = [
  json('POST', '/login', { user: { email: 'ada@example.com', password: 'correct horse' } }),
  json('POST', '/login', { user: { email: 'Ada@Example.com', password: 'wrong' } }),
  json('PATCH', '/todos/1', { completed: true }),
  json('PATCH', '/todos/1', { completed: false }),
  json('PATCH', '/todos/1', {}),
  json('PATCH', '/todos/2', { completed: true }),
  form('/settings', 'remember=on&newsletter=on'),
  form('/settings', 'remember=on'),
  form('/settings', ''),
  get('/search?q=lamp&page=2'),
  get('/search?q=%20lamp%20'),
  get('/search'),
  get('/search?q=&page='),
  json('POST', '/invites', { role: 'Admin', days: '30' }),
  json('POST', '/invites', { days: 3 }),
  json('POST', '/invites', {}),
  get('/posts/Hello-World'),
  json('POST', '/todos', { title: '  Buy milk ', priority: 2 }),
  json('POST', '/todos', { title: 'Call Bo', priority: '3' }),
  json('POST', '/todos', { title: 'Read' }),
  json('POST', '/notes', { note: 'anything' }),
  json('POST', '/notes', { note: { rich: true } }),
  get('/go?next=/home'),
];

(async () => {
  for (const [path, init] of requests) {
    const res = await fetch(base + path, init);
    const location = res.headers.get('location');
    console.log(JSON.stringify({ request: `${init.method} ${path}`, status: res.status,
                                 location, body: await res.text() }));
  }
})();

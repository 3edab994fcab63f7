// A small app whose handlers read request data in the shapes real front ends send.
const express = require('express');
const { createTodo } = require('./lib/todos');

const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));

const accounts = { 'ada@example.com': 'correct horse' };
const todos = [{ id: 1, title: 'Write tests', done: false }];
const notes = [];

// Nested object body: { user: { email, password } }.
app.post('/login', (req, res) => {
  const { email, password } = req.body.user;
  const known = accounts[email.toLowerCase()];
  if (known === undefined || known !== password.normalize()) return res.sendStatus(401);
  res.json({ email: email.toLowerCase() });
});

// JSON boolean, numeric id path parameter (the todo's place in the list: the rule does not
// follow the converted id through arithmetic; a comparison alone, `t.id === parseInt(id)`,
// needs no check, NaN only matches nothing).
app.patch('/todos/:id', (req, res) => {
  const todo = todos[parseInt(req.params.id, 10) - 1];
  if (!todo) return res.sendStatus(404);
  if (req.body.completed === true) todo.done = true;
  if (req.body.completed === false) todo.done = false;
  res.json(todo);
});

// An HTML form: checked boxes post "on", unchecked ones post nothing.
app.post('/settings', (req, res) => {
  const remember = req.body.remember === 'on';
  let newsletter = false;
  if (req.body.newsletter) newsletter = true;
  res.json({ remember, newsletter });
});

// Optional query fields with ||. The defaults alone make the handler safe; `size` (NaN when it
// is not a number) is what makes it reported, and the chains cover every field it reads.
app.get('/search', (req, res) => {
  const q = (req.query.q || '').trim();
  const page = parseInt(req.query.page, 10) || 1;
  res.json({ q, page, size: Number(req.query.size ?? 20) });
});

// Defaults in destructuring.
app.post('/invites', (req, res) => {
  const { role = 'member', days = '7' } = req.body;
  res.status(201).json({ role: role.toLowerCase(), days: parseInt(days, 10) });
});

// A plain slug: always a non-empty string, no chain.
app.get('/posts/:slug', (req, res) => {
  res.json({ slug: req.params.slug.toLowerCase() });
});

// Values passed to a helper in another file.
app.post('/todos', (req, res) => {
  res.status(201).json(createTodo(req.body.title, req.body.priority));
});

// Unknown type: stored as it is (report-only).
app.post('/notes', (req, res) => {
  notes.push(req.body.note);
  res.status(201).json({ count: notes.length });
});

// A dangerous sink: an open redirect (report-only, under its own message).
app.get('/go', (req, res) => {
  res.redirect(req.query.next);
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});

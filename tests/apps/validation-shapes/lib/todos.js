function createTodo(title, priority = 1) {
  return { title: title.trim(), priority: Number(priority), done: false };
}

module.exports = { createTodo };

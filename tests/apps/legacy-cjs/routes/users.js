var express = require('express');
var mysql = require('mysql');

var router = express.Router();
var db = mysql.createConnection({ host: 'localhost', user: 'app' });

router.get('/:id', function (req, res, next) {
  db.query('SELECT * FROM users WHERE id = ' + req.params.id, function (err, rows) {
    if (err) return next(err);
    res.json(rows);
  });
});

module.exports = router;

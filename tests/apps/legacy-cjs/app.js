'use strict';

var express = require('express');
var bodyParser = require('body-parser');
var session = require('express-session');
var cookieParser = require('cookie-parser');
var crypto = require('crypto');
var users = require('./routes/users');

var app = module.exports = express();

app.use(bodyParser.json());
app.use(bodyParser.urlencoded({ extended: true }));
app.use(cookieParser());
app.use(session({
  secret: 'keyboard cat',
  resave: false,
  saveUninitialized: true
}));

// app.use(helmet())  <- commented out, does not count
/* app.use(require('express-rate-limit')()) */

app.get('/', function (req, res) {
  res.cookie('cart', res.locals.cart);
  res.send('home');
});

app.post('/login', function (req, res) {
  var hash = crypto.createHash('md5').update(req.body.password).digest('hex');
  res.json({ ok: hash.length > 0 });
});

app.use('/users', users);

app.use(function (err, req, res, next) {
  res.status(500).send(err.stack);
});

if (!module.parent) {
  app.listen(3000);
}

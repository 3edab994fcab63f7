import fs from 'node:fs'
import express from 'express'
import helmet from 'helmet'
import { rateLimit } from 'express-rate-limit'
import session from 'express-session'
import { query, matchedData, validationResult } from 'express-validator'
import Database from 'better-sqlite3'

const securityTxt = fs.readFileSync(new URL('../.well-known/security.txt', import.meta.url), 'utf8')

if (!process.env.SESSION_SECRET) {
  throw new Error('SESSION_SECRET must be set')
}

export function createApp () {
  const app = express()
  app.use(helmet())
  app.use(rateLimit({ windowMs: 60_000, limit: 300 }))
  app.set('trust proxy', 1)
  app.use(express.json({ limit: '100kb' }))
  app.use(session({
    name: 'sid',
    secret: process.env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, secure: 'auto', sameSite: 'lax' }
  }))

  const db = new Database(':memory:')

  app.get('/.well-known/security.txt', (req, res) => {
    res.type('text/plain').send(securityTxt)
  })

  app.get('/items', query('owner').isString().notEmpty(), (req, res) => {
    const errors = validationResult(req)
    if (!errors.isEmpty()) return res.status(400).json({ errors: errors.array() })
    const { owner } = matchedData(req)
    const rows = db.prepare('SELECT * FROM items WHERE owner = ?').all(owner)
    res.cookie('seen', '1', { httpOnly: true, secure: true, sameSite: 'lax' })
    res.json(rows)
  })

  app.use((err, req, res, next) => {
    console.error(err)
    const status = err.status >= 400 && err.status < 500 ? err.status : 500
    res.status(status).json({ error: status < 500 ? 'Bad Request' : 'Internal Server Error' })
  })
  return app
}

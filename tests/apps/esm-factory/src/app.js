import express from 'express'
import { itemsRouter } from './routes/items.js'

export function createApp () {
  const app = express()
  app.use(express.json())
  app.use('/items', itemsRouter)
  app.get('/health', (req, res) => {
    res.json({ ok: true })
  })
  return app
}

import { Router } from 'express'
import pg from 'pg'

const pool = new pg.Pool()
export const itemsRouter = Router()

itemsRouter.get('/', async (req, res) => {
  const { rows } = await pool.query(`SELECT * FROM items WHERE owner = '${req.query.owner}'`)
  res.json(rows)
})

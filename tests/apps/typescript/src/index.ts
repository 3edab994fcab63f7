import express, { Application, Request, Response } from 'express';
import * as jwt from 'jsonwebtoken';

const app: Application = express();
app.use(express.urlencoded({ extended: false }));

app.post('/token', (req: Request, res: Response) => {
  const token = jwt.sign({ sub: req.body.user }, 'super-secret-key');
  res.json({ token });
});

app.use((err: Error, req: Request, res: Response, next: Function) => {
  res.status(500).json({ message: err.message });
});

app.listen(Number(process.env.PORT) || 8080, '127.0.0.1');

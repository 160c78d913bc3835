/**
 * The HTTP stack's floors, for `bench:http`: a server that answers `GET /x/:id` with a fixed JSON body (the
 * `BODY` environment variable) and does nothing else, on bare Node `http`, on Express (the version the API
 * runs on), or on Nest over Express (the versions the API runs on: one controller, no middleware, no guard).
 * Run as `node dist/bench/floor-servers.js <node|express|nest>`; prints `PORT <n>` once listening on loopback.
 */
import 'reflect-metadata';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FloorServer = 'node' | 'express' | 'nest';

const text = process.env.BODY ?? '{}';
const body = JSON.parse(text) as unknown;

@Controller()
class FloorController {
  @Get('x/:id')
  get(@Param('id') _id: string): unknown {
    return body;
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(kind: string): Promise<void> {
  const listening = (port: number) => console.log(`PORT ${port}`);
  switch (kind) {
    case 'node': {
      const length = Buffer.byteLength(text);
      const server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
        response.end(text);
      });
      server.listen(0, '127.0.0.1', () => listening((server.address() as AddressInfo).port));
      return;
    }
    case 'express': {
      const app = express();
      app.get('/x/:id', (_request, response) => {
        response.json(body);
      });
      const server = app.listen(0, '127.0.0.1', () => listening((server.address() as AddressInfo).port));
      return;
    }
    case 'nest': {
      const app = await NestFactory.create(FloorModule, { logger: false });
      await app.listen(0, '127.0.0.1');
      listening((app.getHttpServer() as { address(): AddressInfo }).address().port);
      return;
    }
    default:
      throw new Error(`unknown floor server ${kind}: node, express or nest`);
  }
}

if (require.main === module) {
  main(process.argv[2] ?? '').catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

// The floor: a loopback HTTP server that answers every request with `{}` as SWF would, doing no work.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': 'echo',
      'content-length': 2,
    });
    response.end('{}');
  });
});
server.keepAliveTimeout = 75_000;
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`),
);

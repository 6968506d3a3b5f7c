import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError, UsageError } from '../../errors.js';
import type { AwsResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { findMotoServer, findWaitress, INSTALL_HINT } from './programs.js';

/**
 * moto 5.2's server spends most of its CPU on work that does not change between requests; Python
 * loads sitecustomize from PYTHONPATH at start, before moto imports anything, and this one caches:
 * - jsonpath_ng's parser, which moto's EventBridge builds eight times for every event that matches
 *   a rule (about 87 ms of CPU each, so some 8 events a second); cached, under 1 ms;
 * - the list of moto's modules, which its dispatcher reads from disk (a listdir and ~200 isdir) to
 *   route every request;
 * and silences werkzeug's access log (a line a request, formatted and written under a lock; errors
 * still show). Together 18 % less CPU a saga's worth of AWS calls (measured on 300 rounds).
 * With waitress on PYTHONPATH (`frank deps install`), moto serves on it instead of werkzeug's
 * development server, which answers every request with `Connection: close`: each AWS call was a new
 * TCP connection, a new thread in moto and a new link in Toxiproxy. On waitress the SDKs' keep-alive
 * connections last (64 threads: the bridges' SQS long polls hold one each while they wait).
 * A call an SDK sends again because its answer did not reach it gets the first answer back, not a
 * second execution: the AWS provider's debug log shows a few such retries in every `terraform
 * apply` of `frank cloud rehearse`, and one of a CreateSecurityGroup would be refused as a
 * duplicate of the group the first attempt made.
 */
const MOTO_PATCH = `# Written by frank (cli/src/runtimes/native/aws.ts): what moto's server redoes for every request.
import functools
import logging
try:
    import jsonpath_ng.ext as _ext
    _ext.parse = functools.lru_cache(maxsize=1024)(_ext.parse)
except Exception:
    pass
try:
    import moto.backends as _backends
    _modules = _backends.list_of_moto_modules
    _backends.list_of_moto_modules = functools.lru_cache(maxsize=1)(lambda: tuple(_modules()))
except Exception:
    pass
logging.getLogger("werkzeug").setLevel(logging.WARNING)


class _RetriedCalls:
    """An SDK sends a call again, with the same amz-sdk-invocation-id, when its answer did not
    reach it (the connection dropped). moto would carry the call out twice: a second
    CreateSecurityGroup is refused as a duplicate of the first, a second SendMessage is a second
    message. The retry gets the first attempt's answer instead."""

    def __init__(self, app, keep=4096, largest=1 << 20):
        import collections
        import threading

        self.app, self.keep, self.largest = app, keep, largest
        self.answers = collections.OrderedDict()
        self.running = {}
        self.lock = threading.Lock()
        self.Event = threading.Event

    def __call__(self, environ, start_response):
        key = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not key:
            return self.app(environ, start_response)
        retry = environ.get("HTTP_AMZ_SDK_REQUEST", "attempt=1").split(";")[0].strip() != "attempt=1"
        with self.lock:
            running = self.running.get(key) if retry else None
        if running is not None:
            running.wait(60)
        with self.lock:
            answer = self.answers.get(key) if retry else None
            if answer is None:
                done = self.running[key] = self.Event()
        if answer is not None:
            print("moto: a retried call (amz-sdk-invocation-id " + key + ") got its first answer again", flush=True)
            start_response(answer[0], answer[1])
            return [answer[2]]
        try:
            head = []

            def capture(status, headers, exc_info=None):
                head[:] = [status, list(headers)]
                return start_response(status, headers, exc_info)

            result = self.app(environ, capture)
            try:
                body = b"".join(result)
            finally:
                getattr(result, "close", lambda: None)()
            # A server error may pass (moto's checks take no lock): its retry is carried out again.
            if head and not head[0].startswith("5") and len(body) <= self.largest:
                with self.lock:
                    self.answers[key] = (head[0], head[1], body)
                    while len(self.answers) > self.keep:
                        self.answers.popitem(last=False)
            return [body]
        finally:
            with self.lock:
                self.running.pop(key, None)
            done.set()


try:
    import werkzeug.serving as _serving

    _run_simple = _serving.run_simple

    def _serve(hostname, port, application, **options):
        application = _RetriedCalls(application)
        try:
            import waitress
        except ImportError:
            return _run_simple(hostname, port, application, **options)
        waitress.serve(application, host=hostname, port=port, threads=64, connection_limit=1000, ident="moto")

    _serving.run_simple = _serve
except ImportError:
    pass
`;

/** moto's server: EventBridge, SQS and the rest in one process; its state lives in memory. */
export async function prepareAws(resource: AwsResource, context: RuntimeContext): Promise<LaunchSpec> {
  if (resource.emulator === 'localstack') {
    throw new UsageError(`${resource.name}: emulator "localstack" runs only in the docker runtime.`, {
      hint: 'Set emulator: moto in frank.yaml, or use --runtime docker.',
    });
  }
  const moto = findMotoServer();
  if (!moto) throw new FrankError("moto's server is not installed.", { hint: INSTALL_HINT.moto_server });
  const dir = context.paths.data(resource.name);
  const site = path.join(dir, 'python');
  await mkdir(site, { recursive: true });
  await writeFile(path.join(site, 'sitecustomize.py'), MOTO_PATCH);
  const waitress = findWaitress();
  return {
    command: moto,
    args: ['-H', context.topology.host, '-p', String(resource.port)],
    cwd: dir,
    // AWS's managed policies exist, as Terraform's IAM attachments (ECS task execution, Lambda VPC access) expect.
    env: { PYTHONUNBUFFERED: '1', PYTHONPATH: [site, ...(waitress ? [waitress] : [])].join(path.delimiter), MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  };
}

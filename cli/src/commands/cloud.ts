import path from 'node:path';
import { Command } from 'commander';
import { applyCloud } from '../cloud/apply.js';
import { cloudLambdas } from '../cloud/cloud-lambdas.js';
import { WEB_SERVICE } from '../lab/lab-console.js';
import { planCloud, prepareRoot } from '../cloud/plan.js';
import { rehearse } from '../cloud/rehearse.js';
import { UsageError } from '../errors.js';
import { openLab } from '../lab/lab.js';
import { renderPlan, renderRehearsal } from '../ui/cloud-report.js';
import { LAMBDA_OUT_DIR, packageLambdas } from '../cloud/package-lambdas.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { renderTfvars, tfvarsFromTopology } from '../cloud/tfvars.js';
import { assertContracts, loadServiceContracts } from '../lab/service-contracts.js';
import { findTopologyFile, loadTopology, type Topology } from '../lab/topology.js';
import { writeData, writeInfo } from '../ui/output.js';
import { globalsOf, labOptionsOf, outputOf, positiveNumber } from './global-options.js';

export function cloudCommand(): Command {
  const cloud = new Command('cloud').description('Deploy the same topology to AWS with Terraform (terraform/envs/aws)');
  cloud
    .command('tfvars')
    .description('terraform.tfvars for terraform/envs/aws, derived from frank.yaml')
    .addHelpText('after', '\nExamples:\n  npx frank cloud tfvars > terraform/envs/aws/terraform.tfvars\n  npx frank cloud tfvars --json')
    .action(async (_options, command: Command) => {
      const topology = await cloudTopology(command);
      const contracts = await loadServiceContracts(topology);
      assertContracts(topology, contracts);
      const vars = tfvarsFromTopology(topology, contracts);
      writeData(outputOf(command).json ? vars : renderTfvars(vars));
    });
  cloud
    .command('package')
    .description(`Bundle the Lambdas (the bridges and the provisioner, esbuild) into ${LAMBDA_OUT_DIR}/<name>.zip`)
    .addHelpText('after', '\nExamples:\n  npx frank cloud package')
    .action(async (_options, command: Command) => {
      const topology = await cloudTopology(command);
      const packaged = await packageLambdas({ root: REPOSITORY_ROOT, outDir: path.join(topology.root, LAMBDA_OUT_DIR), entries: await cloudLambdas(topology) });
      for (const lambda of packaged)
        writeInfo(`${lambda.name}: ${path.relative(topology.root, lambda.zip)} (${(lambda.bytes / 1024).toFixed(0)} KiB, sha256 ${lambda.sha256})`);
      if (outputOf(command).json) writeData(packaged);
    });
  cloud
    .command('plan')
    .description(
      "terraform init and plan of terraform/envs/aws with frank.yaml's variables: against AWS (your credentials), or with --emulator against the lab's own AWS emulator",
    )
    .option('--emulator', "plan against the running lab's AWS emulator (no AWS account needed), in a scratch copy of the root")
    .option('--certificate-arn <arn>', 'ACM certificate for the HTTPS listener of the load balancer')
    .option('--allow-plain-http', 'serve plain HTTP on port 80 without a certificate (on purpose only)')
    .addHelpText(
      'after',
      '\nExamples:\n  AWS_PROFILE=lab npx frank cloud plan --certificate-arn arn:aws:acm:…\n  npx frank up --no-services && npx frank cloud plan --emulator --allow-plain-http',
    )
    .action(async (flags: { emulator?: boolean; certificateArn?: string; allowPlainHttp?: boolean }, command: Command) => {
      const output = outputOf(command);
      const topology = await cloudTopology(command);
      const contracts = await loadServiceContracts(topology);
      assertContracts(topology, contracts);
      const emulatorOf = flags.emulator ? await openLab(labOptionsOf(command)) : undefined;
      writeInfo(`Planning terraform/envs/aws ${emulatorOf ? "against the lab's AWS emulator" : 'against AWS'} …`);
      const root = await prepareRoot(topology, contracts, {
        ...(emulatorOf ? { emulatorOf } : {}),
        settings: { ...(flags.certificateArn ? { certificateArn: flags.certificateArn } : {}), ...(flags.allowPlainHttp ? { allowPlainHttp: true } : {}) },
      });
      const plan = await planCloud(root);
      if (output.json) writeData(plan);
      else writeInfo(renderPlan(plan).trimEnd());
    });
  cloud
    .command('rehearse')
    .description(
      "The cloud twin on this machine: apply terraform/envs/aws to the lab's AWS emulator, boot every service with exactly what its task definition gives it, run saga scenarios, report, destroy",
    )
    .option('--scenarios <names>', 'the scenarios to run, comma-separated', 'happy-path,payment-declined')
    .option('--orders <n>', "orders per scenario, in place of each scenario's own count", positiveNumber('--orders'))
    .option('--keep', 'leave the rehearsal up afterwards (its lab is .frank/rehearsal: `npx frank -c .frank/rehearsal/frank.yaml down --purge` ends it)')
    .addHelpText('after', '\nExamples:\n  npx frank cloud rehearse\n  npx frank cloud rehearse --scenarios happy-path --orders 5 --json')
    .action(async (flags: { scenarios: string; orders?: number; keep?: boolean }, command: Command) => {
      const output = outputOf(command);
      const topology = await cloudTopology(command);
      const contracts = await loadServiceContracts(topology);
      const scenarios = flags.scenarios
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (scenarios.length === 0) throw new UsageError('--scenarios names no scenario.', { hint: 'e.g. --scenarios happy-path,payment-declined' });
      const { portOffset } = globalsOf(command);
      const report = await rehearse({
        topology,
        contracts,
        scenarios,
        ...(flags.orders ? { orders: flags.orders } : {}),
        ...(portOffset === undefined ? {} : { portOffset }),
        ...(flags.keep ? { keep: true } : {}),
        onProgress: writeInfo,
      });
      if (output.json) writeData(report);
      else process.stderr.write(renderRehearsal(report, output.color));
      if (report.verdict !== 'pass') process.exitCode = 1;
    });
  cloud
    .command('apply')
    .description(
      "The real deployment (AWS credentials needed): images built and pushed to ECR, terraform apply (which provisions each service's role, database and migrations before the services start), then one saga through the load balancer",
    )
    .option('--certificate-arn <arn>', 'ACM certificate for the HTTPS listener (port 80 redirects to it)')
    .option('--allow-plain-http', 'serve plain HTTP on port 80 without a certificate (on purpose only)')
    .option('--image-tag <tag>', 'the tag of every service image (ECR tags are immutable: a new one per release)', '0.1.0')
    .option('--skip-images', 'the images are in ECR already (pushed by hand or by CI)')
    .option('--auto-approve', 'apply without asking (needed without a terminal)')
    .addHelpText(
      'after',
      '\nExamples:\n  npx frank cloud plan && AWS_PROFILE=lab npx frank cloud apply --certificate-arn arn:aws:acm:…\n  npx frank cloud apply --allow-plain-http --auto-approve --json\nWhen done: terraform -chdir=terraform/envs/aws destroy (it all costs money by the hour).',
    )
    .action(
      async (flags: { certificateArn?: string; allowPlainHttp?: boolean; imageTag: string; skipImages?: boolean; autoApprove?: boolean }, command: Command) => {
        const output = outputOf(command);
        const topology = await cloudTopology(command);
        const contracts = await loadServiceContracts(topology);
        assertContracts(topology, contracts);
        const report = await applyCloud(topology, contracts, {
          settings: {
            imageTag: flags.imageTag,
            ...(flags.certificateArn ? { certificateArn: flags.certificateArn } : {}),
            ...(flags.allowPlainHttp ? { allowPlainHttp: true } : {}),
          },
          webService: WEB_SERVICE,
          ...(flags.autoApprove ? { autoApprove: true } : {}),
          ...(flags.skipImages ? { skipImages: true } : {}),
          onLine: writeInfo,
        });
        if (output.json) writeData(report);
        else
          writeInfo(
            `Applied in ${(report.applyMs / 1000).toFixed(0)} s; ${report.bffUrl}: order ${report.smoke.orderId} ${report.smoke.status} in ${(report.smoke.settleMs / 1000).toFixed(1)} s.`,
          );
        if (report.smoke.status !== 'CONFIRMED') process.exitCode = 1;
      },
    );
  return cloud;
}

/** frank.yaml's own ports: the cloud has no port offset, and a lab running locally on one is no reason to refuse. */
function cloudTopology(command: Command): Promise<Topology> {
  const { config } = globalsOf(command);
  return loadTopology(config ? path.resolve(config) : findTopologyFile(), { portOffset: 0 });
}

import path from 'node:path';
import { Command } from 'commander';
import { LAMBDA_OUT_DIR, packageLambdas } from '../cloud/package-lambdas.js';
import { renderTfvars, tfvarsFromTopology } from '../cloud/tfvars.js';
import { assertContracts, loadServiceContracts } from '../lab/service-contracts.js';
import { findTopologyFile, loadTopology, type Topology } from '../lab/topology.js';
import { writeData, writeInfo } from '../ui/output.js';
import { globalsOf, outputOf } from './global-options.js';

/** The bridges' Lambda handlers: the same functions the lab runs as processes. */
export const BRIDGE_HANDLERS: Record<string, string> = {
  'eventbridge-bridge': 'services/eventbridge-bridge/src/lambda.ts',
  'rabbitmq-bridge': 'services/rabbitmq-bridge/src/lambda.ts',
};

export function cloudCommand(): Command {
  const cloud = new Command('cloud').description('Deploy the same topology to AWS with Terraform (terraform/envs/aws)');
  cloud
    .command('tfvars')
    .description("terraform.tfvars for terraform/envs/aws, derived from frank.yaml")
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
    .description(`Bundle the bridge Lambdas (esbuild) into ${LAMBDA_OUT_DIR}/<name>.zip`)
    .addHelpText('after', '\nExamples:\n  npx frank cloud package')
    .action(async (_options, command: Command) => {
      const { root } = await cloudTopology(command);
      const packaged = await packageLambdas({ root, outDir: path.join(root, LAMBDA_OUT_DIR), entries: BRIDGE_HANDLERS });
      for (const lambda of packaged) writeInfo(`${lambda.name}: ${path.relative(root, lambda.zip)} (${(lambda.bytes / 1024).toFixed(0)} KiB, sha256 ${lambda.sha256})`);
      if (outputOf(command).json) writeData(packaged);
    });
  return cloud;
}

/** frank.yaml's own ports: the cloud has no port offset, and a lab running locally on one is no reason to refuse. */
function cloudTopology(command: Command): Promise<Topology> {
  const { config } = globalsOf(command);
  return loadTopology(config ? path.resolve(config) : findTopologyFile(), { portOffset: 0 });
}

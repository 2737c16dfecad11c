// The process-wide services n8n-core looks up in its DI container while a node runs: instance
// settings (user folder, encryption key), the logger behind `this.logger`, and the binary data
// service behind `prepareBinaryData` / `getBinaryDataBuffer`. Set up once per test file (jest's
// module registry), in a temporary user folder, so no test ever touches a real ~/.n8n.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Logger } from '@n8n/backend-common';
import { GlobalConfig, InstanceSettingsConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, ErrorReporter, InstanceSettings } from 'n8n-core';
import { LoggerProxy, type IBinaryData, type LogMetadata } from 'n8n-workflow';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface CapturedLog {
	level: LogLevel;
	message: string;
	metadata?: LogMetadata;
}

/** n8n's own Logger class (what `this.logger` is in a node), recording instead of printing. */
export class CapturingLogger extends Logger {
	readonly entries: CapturedLog[] = [];

	override error(message: string, metadata?: LogMetadata): void {
		this.entries.push({ level: 'error', message, metadata });
	}

	override warn(message: string, metadata?: LogMetadata): void {
		this.entries.push({ level: 'warn', message, metadata });
	}

	override info(message: string, metadata?: LogMetadata): void {
		this.entries.push({ level: 'info', message, metadata });
	}

	override debug(message: string, metadata?: LogMetadata): void {
		this.entries.push({ level: 'debug', message, metadata });
	}

	override scoped(): Logger {
		return this;
	}
}

/** 'default' keeps binary data inline (base64 in the item); 'filesystem' writes files like a stock n8n. */
export type BinaryDataMode = 'default' | 'filesystem';

export interface N8nTestEnvironment {
	/** Temporary n8n user folder (N8N_USER_FOLDER equivalent); removed after the test file. */
	readonly userFolder: string;
	readonly logger: CapturingLogger;
	readonly binaryDataMode: BinaryDataMode;
}

interface MutableEnvironment extends Omit<N8nTestEnvironment, 'binaryDataMode'> {
	binaryDataMode?: BinaryDataMode;
}

let environment: MutableEnvironment | undefined;

// Jest gives each test file its own module registry, hence its own environment: remove its folder
// when the file is done (this module is loaded while the file's tests are being collected).
if (typeof afterAll === 'function') {
	afterAll(() => {
		if (environment) rmSync(environment.userFolder, { recursive: true, force: true });
	});
}

function createEnvironment(): MutableEnvironment {
	const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));

	// InstanceSettingsConfig reads N8N_USER_FOLDER when constructed; override it on the instance so
	// the process environment (and any real n8n folder it points to) stays untouched.
	const instanceSettingsConfig = Object.assign(new InstanceSettingsConfig(), {
		n8nFolder: path.join(userFolder, '.n8n'),
		userHome: userFolder,
		encryptionKey: 'n8n-harness-encryption-key',
		enforceSettingsFilePermissions: false,
	});
	Container.set(InstanceSettingsConfig, instanceSettingsConfig);

	const logger = new CapturingLogger(Container.get(GlobalConfig), instanceSettingsConfig, {
		isRoot: false,
	});
	Container.set(Logger, logger);
	LoggerProxy.init(logger);

	Container.set(InstanceSettings, new InstanceSettings(instanceSettingsConfig, logger));
	return { userFolder, logger };
}

async function useBinaryDataMode(env: MutableEnvironment, mode: BinaryDataMode): Promise<void> {
	if (env.binaryDataMode === mode) return;
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.localStoragePath = path.join(env.userFolder, 'binary-data');
	// A fresh service per mode, since init() fixes it. Either mode still reads files stored
	// earlier in the process: init() always registers the filesystem manager.
	const service = new BinaryDataService(config, Container.get(ErrorReporter), env.logger);
	await service.init();
	Container.set(BinaryDataService, service);
	env.binaryDataMode = mode;
}

/** Sets up (once) and returns the process-wide n8n services; switches the binary data mode if asked. */
export async function n8nTestEnvironment(
	options: { binaryDataMode?: BinaryDataMode } = {},
): Promise<N8nTestEnvironment> {
	environment ??= createEnvironment();
	const mode = options.binaryDataMode ?? 'default';
	await useBinaryDataMode(environment, mode);
	return { userFolder: environment.userFolder, logger: environment.logger, binaryDataMode: mode };
}

/** The bytes of a binary property as n8n stores it (inline base64 or a binary data id). */
export async function readBinaryData(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

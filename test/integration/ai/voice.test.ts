// Voice transcription for Message Received: media from the Meta simulator, text from the local
// OpenAI-compatible server; a failure is reported, never thrown.
import { AiConnection } from '../../../core/ai/client';
import { transcribeVoiceMessage } from '../../../core/ai/media';
import { transcriber } from '../../../core/ai/transcribe';
import { CloudApiClient } from '../../../core/cloud-api/client';
import { ThrottleRegistry } from '../../../core/cloud-api/throttle';
import { startOpenAiServer, type OpenAiTestServer } from '../../ai-server/openai-server';
import { startMetaSimulator, type MetaSimulator } from '../../../tools/meta-simulator/meta-simulator';

let ai: OpenAiTestServer;
let meta: MetaSimulator;
let client: CloudApiClient;

beforeAll(async () => {
	ai = await startOpenAiServer();
	meta = await startMetaSimulator({ webhook: { statuses: false } });
	client = new CloudApiClient({ ...meta.clientConfig(), retry: { maxAttempts: 1 }, throttleRegistry: new ThrottleRegistry() });
});
afterAll(async () => {
	await ai.close();
	await meta.close();
});

const transcribe = () => transcriber(new AiConnection({ baseUrl: ai.url, apiKey: 'sk-test', retry: { maxRetries: 0 } }));

describe('transcribeVoiceMessage', () => {
	it('downloads the voice note and returns what was said', async () => {
		meta.addMedia(Buffer.from('OggS-voice'), 'audio/ogg; codecs=opus', { id: 'voice-1' });
		ai.setTranscription('Quiero dos macetas');
		const result = await transcribeVoiceMessage(client, transcribe(), { id: 'voice-1', mimeType: 'audio/ogg; codecs=opus' }, { language: 'es', model: 'whisper-large-v3' });
		expect(result).toEqual({ text: 'Quiero dos macetas', model: 'whisper-large-v3', error: null });
		const fields = Object.fromEntries((ai.transcriptionRequests().at(-1)?.form ?? []).map((part) => [part.name, part.data.toString()]));
		expect(fields).toMatchObject({ model: 'whisper-large-v3', language: 'es', response_format: 'json', file: 'OggS-voice' });
	});

	it('reports an unknown media id or a failing server in `error`', async () => {
		const missing = await transcribeVoiceMessage(client, transcribe(), { id: 'no-such-media' });
		expect(missing).toMatchObject({ text: null, error: { code: expect.stringMatching(/^META_/), hint: expect.any(String) } });

		meta.addMedia(Buffer.from('OggS'), 'audio/ogg', { id: 'voice-2' });
		ai.failNext(1, 'unauthorized');
		const refused = await transcribeVoiceMessage(client, transcribe(), { id: 'voice-2' });
		expect(refused).toMatchObject({ text: null, model: null, error: { code: 'AI_AUTH_FAILED' } });
	});
});

/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling */
/**
 * n8n 2.x runs on Node 22+, where WebSocket is a global; this test machine runs Node 20, so
 * the tests provide undici's standard WebSocket as that global (test-only).
 */
import { WebSocket as UndiciWebSocket } from 'undici';

const g = global as unknown as { WebSocket?: unknown };
if (typeof g.WebSocket === 'undefined') g.WebSocket = UndiciWebSocket;

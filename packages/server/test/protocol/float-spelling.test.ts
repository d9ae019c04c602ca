import { describe, expect, it } from 'vitest';
import { errorOf, withServer } from './raw-client.js';

/**
 * Brayns' parser keeps the spelling of numbers: `1.0` is a float where an integer is required.
 * The server learns it from the request text (only integral numbers written as floats are
 * recorded, so large messages of plain floats cost nothing). These are the answers a client
 * reads, for top-level, nested and loader params, and for numbers that are floats either way.
 */
describe('float-spelled numbers at integer positions (Brayns 3.10.1)', () => {
  it('names each integer position given a float, however it is spelled', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      const send = async (id: number, method: string, params: string): Promise<unknown> => {
        client.sendText(`{"jsonrpc":"2.0","id":${id},"method":"${method}","params":${params}}`);
        return errorOf(await client.answer(id));
      };
      const typeError = (path: string): string => `${path}: invalid type, expected integer got number`;
      for (const [id, spelled] of [[1, '1.0'], [2, '1.5'], [3, '1e0'], [4, '2E+0']] as const) {
        expect(await send(id, 'get-model', `{"id":${spelled}}`)).toEqual({
          code: -32602,
          message: 'Invalid params schema',
          data: [typeError('id')],
        });
      }
      expect(await send(5, 'get-model', '{"id":-2.5E1}')).toMatchObject({ data: [typeError('id'), 'id: value below minimum -25 < 0'] });
      expect(await send(6, 'snapshot', '{"image_settings":{"size":[64.0,32.5]}}')).toMatchObject({
        data: [typeError('image_settings.size[0]'), typeError('image_settings.size[1]')],
      });
      expect(await send(7, 'add-model', '{"path":"x","loader_name":"BBP loader","loader_properties":{"percentage":0.5,"gids":[1.0,2.5,3]}}')).toEqual({
        code: -32602,
        message: 'Invalid loader params schema',
        data: [typeError('gids[0]'), typeError('gids[1]')],
      });
      // A float-spelled request id is no id: the envelope is refused as a whole.
      client.sendText('{"jsonrpc":"2.0","id":8.0,"method":"get-version"}');
      expect(errorOf(await client.answer(null as unknown as number))).toMatchObject({ code: -32600, data: ['id: invalid oneOf, no schema matches'] });
    });
  });

  it('takes integral floats where numbers are wanted (add-spheres bounds as sent)', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      client.sendText(
        '{"jsonrpc":"2.0","id":1,"method":"add-spheres","params":[' +
          '{"geometry":{"center":[1.0,2e0,-3.0],"radius":1.0},"color":[1.0,0.5,0,1]},' +
          '{"geometry":{"center":[10,20,30],"radius":2.5},"color":[1,1,1,1.0]}]}',
      );
      const reply = await client.answer(1);
      expect(reply.json?.['result']).toMatchObject({ bounds: { min: [0, 1, -4], max: [12.5, 22.5, 32.5] } });
    });
  });
});

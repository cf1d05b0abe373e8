import { describe, expect, it } from 'vitest';
import { AGENTS, apiErrorOf, mockedApi } from './helpers.js';

// HTTP status → ApiError, through MockAgent. Retried statuses are answered on every attempt.

describe('status mapping', () => {
  it.each([
    { status: 401, code: 'api_unauthorized', maybeCommitted: false },
    { status: 403, code: 'api_unauthorized', maybeCommitted: false },
    { status: 404, code: 'api_not_found', maybeCommitted: false },
    { status: 405, code: 'api_error', maybeCommitted: false },
    { status: 409, code: 'api_error', maybeCommitted: false },
    { status: 429, code: 'api_rate_limited', maybeCommitted: false },
    { status: 500, code: 'api_unavailable', maybeCommitted: true },
    { status: 503, code: 'api_unavailable', maybeCommitted: true },
  ])('$status → $code, maybeCommitted $maybeCommitted', async ({ status, code, maybeCommitted }) => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/`, method: 'PATCH' })
      .reply(status, { detail: 'server says no' })
      .persist();

    const error = await apiErrorOf(api.updateAgent(303, { name: 'x' }));

    expect(error).toMatchObject({
      code,
      status,
      maybeCommitted,
      agentId: 303,
      operation: 'updating agent 303',
      method: 'PATCH',
      path: `${AGENTS}303/`,
      detail: 'server says no',
    });
    expect(error.message).toBe(`updating agent 303 failed (PATCH ${AGENTS}303/: HTTP ${status}): server says no`);
  });

  it('400 carries DRF field errors, nested for list items', async () => {
    const { api, intercept } = mockedApi();
    const fieldErrors = {
      name: ['This field is required.'],
      mock_tools: [{}, { name: ['Tool names may contain only letters, digits, _ and -.'] }],
    };
    intercept.intercept({ path: AGENTS, method: 'POST' }).reply(400, fieldErrors);

    const error = await apiErrorOf(api.createAgent({ description: 'x', project: 42 }));

    expect(error).toMatchObject({ code: 'api_validation', status: 400, fieldErrors, maybeCommitted: false });
    expect(error.detail).toBeUndefined();
    expect(error.message).toContain('creating agent (unnamed) failed (POST');
    expect(error.message).toContain('This field is required.');
    expect(error.meta).toMatchObject({ field_errors: fieldErrors, status: 400 });
  });

  it('a list of messages becomes the detail', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: AGENTS, method: 'POST' }).reply(400, ['Project 42 is archived.', 'Try another.']);

    const error = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expect(error.detail).toBe('Project 42 is archived.; Try another.');
    expect(error.message).toContain('creating agent "Bot" failed');
  });

  it('an HTML error page is not copied into the message', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/`, method: 'GET' })
      .reply(500, '<html><body>Internal Server Error</body></html>')
      .persist();

    const error = await apiErrorOf(api.getAgent(303));

    expect(error.code).toBe('api_unavailable');
    expect(error.message).toBe(`reading agent 303 failed (GET ${AGENTS}303/: HTTP 500)`);
  });

  it('401 hints at the key variable', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: `${AGENTS}303/`, method: 'GET' }).reply(401, { detail: 'Invalid API key.' });

    const error = await apiErrorOf(api.getAgent(303));

    expect(error.hint).toContain('CEKURA_API_KEY');
  });
});

describe('toggle endpoints missing from the server', () => {
  it.each([404, 405])('toggle-mock-tools %i → api_unsupported', async (status) => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/toggle-mock-tools/`, method: 'POST' })
      .reply(status, { detail: 'Not found.' });

    const error = await apiErrorOf(api.toggleMockTools(303, true));

    expect(error).toMatchObject({ code: 'api_unsupported', status, agentId: 303, maybeCommitted: false });
    expect(error.message).toContain('enabling mock tools of agent 303 failed');
    expect(error.message).toContain('this Cekura API does not offer toggle-mock-tools');
    expect(error.hint).toContain('plan');
    expect(error.message).toContain('run plan again');
  });

  it.each([404, 405])('toggle-mock-tools-progress %i → api_unsupported', async (status) => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/toggle-mock-tools-progress/?progress_id=p1`, method: 'GET' })
      .reply(status, { detail: 'Not found.' });

    const error = await apiErrorOf(api.getToggleProgress(303, 'p1'));

    expect(error.code).toBe('api_unsupported');
    expect(error.message).toContain('this Cekura API does not offer toggle-mock-tools');
  });

  it('a 400 from the toggle (one already in progress) stays a validation error with the detail', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/toggle-mock-tools/`, method: 'POST' })
      .reply(400, { detail: 'A toggle is already in progress for this agent.' });

    const error = await apiErrorOf(api.toggleMockTools(303, false));

    expect(error).toMatchObject({ code: 'api_validation', detail: 'A toggle is already in progress for this agent.' });
    expect(error.message).toContain('disabling mock tools of agent 303 failed');
  });
});

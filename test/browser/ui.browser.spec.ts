/**
 * The web UI as a whole, in a real headless Chromium on the demo CPTS: signing in and out, who is shown
 * as signed in, the language, the menu per role, an analyst never meeting an identity, and an
 * accessibility scan (axe-core: no serious or critical violation) of every page.
 */
import type { Response } from 'playwright-core';
import { call } from '../support/api-process';
import {
  checkAccessibility,
  type Demo,
  newPage,
  openDemo,
  screenshot,
  signIn,
  visit,
} from '../support/browser';
import { read, token } from '../support/tenant';

jest.setTimeout(180_000);

const CPTS = 'cpts-demo';

/** Every page of the menu, with a detail page of each kind, as hash routes. */
function routes(pathwayId: string, patientId: string): Array<[name: string, hash: string]> {
  return [
    ['worklist', '#/worklist'],
    ['pathways', '#/pathways'],
    ['pathway', `#/pathways/${pathwayId}`],
    ['patients', '#/patients'],
    ['patient', `#/patients/${patientId}`],
    ['rcps', '#/rcps'],
    ['snp', '#/snp'],
    ['indicators', '#/indicators'],
    ['financing', '#/financing'],
    ['audit', '#/audit'],
    ['inbox', '#/inbox'],
    ['not-found', '#/no-such-page'],
  ];
}

describe('the web UI', () => {
  let demo: Demo;
  let coordinator: string;
  let pathwayId: string;
  let patientId: string;

  beforeAll(async () => {
    demo = await openDemo();
    coordinator = await token(demo.api.url, CPTS, 'coordinator');
    const open = await read(
      demo.api.url,
      `${demo.api.url}/api/v1/cpts/${CPTS}/pathways?status=open`,
      coordinator,
    );
    pathwayId = open.body.items[0].id;
    patientId = open.body.items[0].patientId;
  });

  afterAll(async () => {
    await demo?.close();
  });

  describe('signing in', () => {
    it('signs a coordinator in, shows who is signed in and as what, and opens the worklist', async () => {
      const page = await newPage(demo.browser);
      await page.goto(`${demo.api.url}/`);
      await screenshot(page, 'sign-in');
      await signIn(page, demo.api.url, 'coordinator');

      await expect(page.getByTestId('signed-in').textContent()).resolves.toMatch(
        /Connecté : dev:coordinator en tant que Coordination/,
      );
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('À faire');
      expect(page.url()).toMatch(/#\/worklist$/);
      // The demo has steps due: the worklist lists them, each with its form one click away.
      const rows = page.locator('table.worklist tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBeGreaterThan(0);
      await expect(
        page.getByRole('link', { name: 'Enregistrer la conciliation' }).count(),
      ).resolves.toBeGreaterThan(0);
      await screenshot(page, 'worklist');
      await page.context().close();
    });

    it('lists the worklist oldest first, as the API orders it', async () => {
      const page = await newPage(demo.browser);
      await signIn(page, demo.api.url, 'coordinator');
      await page.locator('table.worklist tbody tr').first().waitFor();
      const shown = await page
        .locator('table.worklist tbody tr')
        .evaluateAll((rows) => rows.slice(0, 20).map((row) => row.getAttribute('data-opened-by')));
      const api = await call(`${demo.api.url}/api/v1/cpts/${CPTS}/worklist?limit=20`, { token: coordinator });
      expect(shown).toEqual(api.body.items.map((item: { openedBy: string }) => item.openedBy));
      await page.context().close();
    });

    it('names the field when the CPTS does not exist, and stays on the sign-in page', async () => {
      const page = await newPage(demo.browser);
      await page.goto(`${demo.api.url}/`);
      await page.getByLabel('CPTS (identifiant)').fill('cpts-nowhere');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('.field-error').first().waitFor();
      const field = page.getByLabel('CPTS (identifiant)');
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.locator('.field-error').first().textContent()).resolves.toMatch(/CPTS/);
      await expect(page.getByTestId('signed-in').count()).resolves.toBe(0);
      await page.context().close();
    });

    it('signs out: the token is forgotten and the sign-in page comes back', async () => {
      const page = await newPage(demo.browser);
      await signIn(page, demo.api.url, 'coordinator');
      expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.getByRole('button', { name: 'Se connecter' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      await page.reload();
      await page.getByRole('button', { name: 'Se connecter' }).waitFor();
      await page.context().close();
    });
  });

  it('speaks English when asked, and remembers it', async () => {
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Worklist');
    await expect(page.getAttribute('html', 'lang')).resolves.toBe('en');
    await expect(page.getByTestId('signed-in').textContent()).resolves.toMatch(
      /Signed in: dev:coordinator as Coordinator/,
    );
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Worklist');
    await page.getByRole('button', { name: 'Français' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('À faire');
    await page.context().close();
  });

  it('shows each role only the pages it may use', async () => {
    const menu = async (role: string) => {
      const page = await newPage(demo.browser);
      await signIn(page, demo.api.url, role);
      const entries = await page
        .getByRole('navigation', { name: 'Menu principal' })
        .getByRole('link')
        .allTextContents();
      await page.context().close();
      return entries;
    };
    expect(await menu('analyst')).toEqual(['Indicateurs', 'Financement ACI', 'Dialogue de gestion']);
    expect(await menu('auditor')).toContain('Audit');
    // A professional finds a patient by name (no list of the population), and reads the members' directory.
    expect(await menu('professional')).toEqual([
      'À faire',
      'Parcours',
      'Patients',
      'Membres',
      'RCP',
      'Soins non programmés',
      'Notifications',
    ]);
  });

  it('shows an analyst no identity anywhere, on any page or in any answer the browser receives', async () => {
    // The identities of patients the demo has on open pathways, as a coordinator reads them.
    const pathways = await call(`${demo.api.url}/api/v1/cpts/${CPTS}/pathways?limit=40`, {
      token: coordinator,
    });
    const identities: Array<{ familyName: string; givenName: string; birthDate: string; ins?: string }> = [];
    for (const item of pathways.body.items as Array<{ patientId: string }>) {
      const patient = await call(`${demo.api.url}/api/v1/cpts/${CPTS}/patients/${item.patientId}`, {
        token: coordinator,
      });
      identities.push(patient.body.identity);
    }
    const secrets = identities.flatMap((identity) =>
      [identity.familyName, identity.ins, identity.birthDate].filter((value): value is string => !!value),
    );
    expect(secrets.length).toBeGreaterThan(40);

    const page = await newPage(demo.browser);
    const bodies: Promise<string>[] = [];
    page.on('response', (response: Response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) bodies.push(response.text().catch(() => ''));
    });
    await signIn(page, demo.api.url, 'analyst');
    expect(page.url()).toMatch(/#\/indicators$/);
    const seen: string[] = [];
    for (const [, hash] of routes(pathwayId, patientId)) {
      await visit(page, demo.api.url, hash);
      seen.push(await page.locator('body').innerText());
    }
    // The drill-downs too: the events behind a figure, by the dashboard's own link.
    await visit(page, demo.api.url, '#/indicators');
    await page
      .getByRole('link', { name: /Voir les événements/ })
      .first()
      .click();
    await page.locator('table tbody tr').first().waitFor();
    await page.waitForLoadState('networkidle');
    seen.push(await page.locator('body').innerText());
    for (const code of ['parcours.sorties', 'acces.mt.sans-mt', 'qualite.protocoles']) {
      await visit(page, demo.api.url, `#/indicators/${code}`);
      seen.push(await page.locator('body').innerText());
    }
    const received = (await Promise.all(bodies)).join('\n');
    const text = seen.join('\n');
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(received).not.toContain(secret);
    }
    expect(text).not.toContain(patientId);
    expect(received).not.toContain(`patient-${CPTS}.`);
    await page.context().close();
  });

  describe('accessibility (axe-core, WCAG 2.1 AA: no serious or critical violation)', () => {
    it('on the sign-in page', async () => {
      const page = await newPage(demo.browser);
      await page.goto(`${demo.api.url}/`);
      await page.getByRole('button', { name: 'Se connecter' }).waitFor();
      expect(await checkAccessibility(page)).toEqual([]);
      await page.context().close();
    });

    it.each(['coordinator', 'auditor', 'analyst', 'professional'])(
      'on every page a %s opens',
      async (role) => {
        const page = await newPage(demo.browser);
        await signIn(page, demo.api.url, role);
        const found: Record<string, unknown> = {};
        for (const [name, hash] of routes(pathwayId, patientId)) {
          await visit(page, demo.api.url, hash);
          const violations = await checkAccessibility(page);
          if (violations.length > 0) found[name] = violations;
        }
        expect(found).toEqual({});
        await page.context().close();
      },
    );

    it('on a tablet, the worklist and the menu still fit', async () => {
      const page = await newPage(demo.browser, 'tablet');
      await signIn(page, demo.api.url, 'coordinator');
      await page.locator('table.worklist tbody tr').first().waitFor();
      // Nothing wider than the screen but the tables' own scrolling regions.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await checkAccessibility(page)).toEqual([]);
      await screenshot(page, 'worklist-tablet');
      await page.context().close();
    });
  });
});

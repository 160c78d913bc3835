import type { PageProps } from '../app';
import { useText } from '../i18n';
import { PageTitle } from '../ui/page';

const TEXT = {
  fr: {
    title: 'Page introuvable',
    body: 'Cette adresse ne correspond à aucune page.',
    home: 'Retour à l’accueil',
  },
  en: { title: 'Page not found', body: 'This address matches no page.', home: 'Back to the home page' },
};

export function NotFoundPage(_props: PageProps) {
  const text = useText(TEXT);
  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p>{text.body}</p>
      <p>
        <a href="#/">{text.home}</a>
      </p>
    </>
  );
}

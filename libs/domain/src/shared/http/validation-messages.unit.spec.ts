import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { flattenValidationErrors, InputRefused, translateValidationMessage } from '@parcours/platform';
import { IsCalendarDate, IsFiness, IsInseeCode, IsIns, IsRpps, IsTimestamp, OneOf, Text } from './validators';

/** One field per constraint the DTOs use, each given a value it refuses. */
class Everything {
  @IsInt() int!: unknown;
  @IsNumber() number!: unknown;
  @IsString() string!: unknown;
  @IsBoolean() boolean!: unknown;
  @IsArray() array!: unknown;
  @IsObject() object!: unknown;
  @IsUUID() uuid!: unknown;
  @IsUrl() url!: unknown;
  @IsDefined() defined!: unknown;
  @Min(1) min!: unknown;
  @Max(5) max!: unknown;
  @MaxLength(3) maxLength!: unknown;
  @MinLength(3) minLength!: unknown;
  @IsIn(['a', 'b']) isIn!: unknown;
  @ArrayMaxSize(1) arrayMaxSize!: unknown;
  @ArrayMinSize(2) arrayMinSize!: unknown;
  @ArrayUnique() arrayUnique!: unknown;
  @IsTimestamp() timestamp!: unknown;
  @IsCalendarDate() date!: unknown;
  @IsRpps() rpps!: unknown;
  @IsFiness() finess!: unknown;
  @IsInseeCode() insee!: unknown;
  @IsIns() ins!: unknown;
  @Text(10) text!: unknown;
  @OneOf(['socle', 'prevention']) oneOf!: unknown;
}

const refused = {
  int: 1.5,
  number: 'x',
  string: 3,
  boolean: 'yes',
  array: 'x',
  object: 'x',
  uuid: 'x',
  url: 'not a url',
  defined: null,
  min: 0,
  max: 6,
  maxLength: 'abcd',
  minLength: 'ab',
  isIn: 'c',
  arrayMaxSize: [1, 2],
  arrayMinSize: [1],
  arrayUnique: [1, 1],
  timestamp: '2026-03-06',
  date: '06/03/2026',
  rpps: '123',
  finess: '69001234',
  insee: '6938',
  ins: '12',
  text: '   ',
  oneOf: 'other',
};

const FRENCH: Record<string, RegExp> = {
  'int isInt': /^int doit être un nombre entier$/,
  'number isNumber': /^number doit être un nombre$/,
  'string isString': /^string doit être une chaîne de caractères$/,
  'boolean isBoolean': /^boolean doit valoir true ou false$/,
  'array isArray': /^array doit être une liste$/,
  'object isObject': /^object doit être un objet$/,
  'uuid isUuid': /^uuid doit être un UUID$/,
  'url isUrl': /^url doit être une adresse URL$/,
  'defined isDefined': /^defined est obligatoire$/,
  'min min': /^min ne doit pas être inférieur à 1$/,
  'max max': /^max ne doit pas être supérieur à 5$/,
  'maxLength maxLength': /^maxLength doit compter au plus 3 caractères$/,
  'minLength minLength': /^minLength doit compter au moins 3 caractères$/,
  'isIn isIn': /^isIn doit être l’une des valeurs : a, b$/,
  'arrayMaxSize arrayMaxSize': /^arrayMaxSize doit contenir au plus 1 éléments$/,
  'arrayMinSize arrayMinSize': /^arrayMinSize doit contenir au moins 2 éléments$/,
  'arrayUnique arrayUnique': /^les éléments de arrayUnique doivent être tous différents$/,
  'timestamp isTimestamp': /^timestamp doit être un horodatage ISO 8601 avec son décalage horaire/,
  'date isCalendarDate': /^date doit être une date AAAA-MM-JJ$/,
  'rpps isRpps': /^rpps doit être un numéro RPPS \(11 chiffres\)$/,
  'finess isFiness': /^finess doit être un numéro FINESS \(9 caractères\)$/,
  'insee isInseeCode': /^insee doit être un code commune INSEE \(5 caractères\)$/,
  'ins isIns': /^ins doit être un INS \(13 ou 15 caractères\)$/,
  'text matches': /^text ne doit pas être vide$/,
  'oneOf isIn': /^oneOf doit être l’une des valeurs : socle, prevention$/,
};

describe('validation messages in the client’s language', () => {
  const issues = flattenValidationErrors(
    validateSync(plainToInstance(Everything, refused), { validationError: { target: false, value: false } }),
  );

  it('refuses each field of the fixture, once per constraint', () => {
    expect(issues.map((issue) => `${issue.path} ${issue.constraint}`).sort()).toEqual(
      Object.keys(FRENCH).sort(),
    );
  });

  it.each(Object.entries(FRENCH))('%s reads in French', (key, expected) => {
    const issue = issues.find((i) => `${i.path} ${i.constraint}` === key);
    expect(translateValidationMessage(issue?.message ?? '', 'fr')).toMatch(expected);
  });

  it.each(Object.keys(FRENCH))('%s reads in English as class-validator wrote it', (key) => {
    const issue = issues.find((i) => `${i.path} ${i.constraint}` === key);
    const english = translateValidationMessage(issue?.message ?? '', 'en');
    expect(english).toBe(issue?.message);
    expect(english).toMatch(new RegExp(`${issue?.path}.*(must|should)|unique`));
  });

  it('says "each value of" for a constraint checked on each element', () => {
    expect(translateValidationMessage('each value in communes must be a UUID', 'fr')).toBe(
      'chaque valeur de communes doit être un UUID',
    );
  });

  it('says a path id and a period too long in French', () => {
    expect(translateValidationMessage('pathwayId must be a UUID', 'fr')).toBe('pathwayId doit être un UUID');
    expect(translateValidationMessage('the period may span at most 120 months', 'fr')).toBe(
      'la période peut couvrir au plus 120 mois',
    );
  });

  it('names an unknown field in French', () => {
    expect(translateValidationMessage('property hospitl should not exist', 'fr')).toBe(
      'le champ hospitl n’est pas attendu',
    );
  });

  it('keeps a message it does not know, behind a French lead-in, rather than dropping it', () => {
    expect(translateValidationMessage('x must be odd', 'fr')).toBe('valeur refusée (x must be odd)');
  });

  it('renders the problem in the language asked, with the path and the constraint in both', () => {
    const refusal = new InputRefused([
      {
        path: 'hospital.finess',
        constraint: 'isFiness',
        message: 'finess must be a FINESS number (9 characters)',
      },
    ]);
    expect(refusal.toProblem('fr')).toMatchObject({
      status: 400,
      detail: 'hospital.finess : finess doit être un numéro FINESS (9 caractères)',
      errors: [
        {
          path: 'hospital.finess',
          constraint: 'isFiness',
          message: 'finess doit être un numéro FINESS (9 caractères)',
        },
      ],
    });
    expect(refusal.toProblem('en')).toMatchObject({
      detail: 'hospital.finess: finess must be a FINESS number (9 characters)',
      errors: [{ path: 'hospital.finess', constraint: 'isFiness' }],
    });
  });
});

/** Word lists for the demo data (fictional people and companies). */
export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'Lucas', 'Mia', 'Mateo',
  'Amelia', 'Hiro', 'Yuki', 'Sakura', 'Kenji', 'Lena', 'Jonas', 'Mila', 'Felix', 'Chloé', 'Louis', 'Camille',
  'Hugo', 'Oliver', 'Harry', 'Freya', 'Arthur', 'Priya', 'Arjun', 'Fatima', 'Omar', 'Zoe', 'Ethan', 'Grace',
  'Daniel', 'Nora', 'Samuel', 'Clara',
];
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Garcia', 'Miller', 'Davis', 'Martinez', 'Nguyen', 'Tanaka', 'Sato',
  'Suzuki', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Martin', 'Bernard', 'Dubois', 'Lefebvre',
  'Moreau', 'Taylor', 'Wilson', 'Evans', 'Thomas', 'Roberts', 'Patel', 'Khan', 'Okafor', 'Kowalski', 'Rossi',
  'Andersen', 'Jensen', 'Murphy', "O'Brien", 'Clarke', 'Wright', 'Walker', 'Hall',
];
export const COMPANY_HEADS = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell',
  'Cyberdyne', 'Aperture', 'Gringotts', 'Oscorp', 'Monarch', 'Nakatomi', 'Pied Piper', 'Prestige', 'Sterling',
  'Blue Sun', 'Dunder', 'Massive', 'Zorg', 'Ollivander', 'Bluth', 'Krusty', 'Duff', 'Virtucon', 'Wernham',
];
export const COMPANY_TAILS = ['Corporation', 'Industries', 'Systems', 'Logistics', 'Holdings', 'Labs', 'GmbH', 'SARL', 'Ltd', 'KK', 'Partners', 'Group'];
export const TITLES = ['CEO', 'CFO', 'VP Sales', 'Head of IT', 'Procurement Manager', 'Office Manager', 'Support Lead', 'Engineer', 'Buyer', 'Operations Director'];
export const CASE_SUBJECTS = [
  'Cannot log in to the portal', 'Invoice shows the wrong amount', 'Device does not power on', 'Request for a product demo',
  'Delivery arrived damaged', 'Password reset link expired', 'Question about contract renewal', 'Slow response from the API',
  'Billing address change', 'Feature request: export to CSV', 'Error 500 on checkout', 'Replacement part needed',
];

/** Countries with fictional phone ranges, for addresses and numbers. */
export interface CountrySpec {
  readonly name: string;
  readonly cities: readonly string[];
  /** Builds a number from 4 random digits, international (+…) or national form. */
  readonly phone: (digits: string, international: boolean) => string;
}

export const COUNTRIES: readonly CountrySpec[] = [
  { name: 'United States', cities: ['San Francisco', 'New York', 'Austin', 'Chicago'], phone: (d, i) => (i ? `+1 415 555 ${'01' + d.slice(2)}` : `(212) 555-01${d.slice(2)}`) },
  { name: 'United Kingdom', cities: ['London', 'Manchester', 'Leeds'], phone: (d, i) => (i ? `+44 20 7946 0${d.slice(1)}` : `020 7946 0${d.slice(1)}`) },
  { name: 'Germany', cities: ['Berlin', 'Hamburg', 'München'], phone: (d, i) => (i ? `+49 30 23125 ${d.slice(1)}` : `030 23125${d.slice(1)}`) },
  { name: 'France', cities: ['Paris', 'Lyon', 'Marseille'], phone: (d, i) => (i ? `+33 1 99 00 ${d.slice(0, 2)} ${d.slice(2)}` : `01 99 00 ${d.slice(0, 2)} ${d.slice(2)}`) },
  { name: 'Japan', cities: ['Tokyo', 'Osaka'], phone: (d, i) => (i ? `+81 3-5550-${d}` : `03-5550-${d}`) },
];

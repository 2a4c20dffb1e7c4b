import type { KubeObject } from '@zen-watcher/sdk';
import { readFixtureObject, readFixtureObjects } from '@zen-watcher/sdk/testing';
import { parseAllDocuments } from 'yaml';

const fixtures = new URL('./fixtures/', import.meta.url);

/** Every object of a fixture file (YAML documents, JSON, List wrappers unwrapped). */
export const loadObjects = (file: string): KubeObject[] => readFixtureObjects(new URL(file, fixtures), parseAllDocuments);

/** The one object of a fixture file. */
export const loadObject = (file: string): KubeObject => readFixtureObject(new URL(file, fixtures), parseAllDocuments);

/** A deep copy, so a test can modify a fixture without touching others. */
export const copy = <T>(value: T): T => structuredClone(value);

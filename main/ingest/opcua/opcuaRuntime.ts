/**
 * Everything of the OPC UA source that needs node-opcua, in one module that the connection
 * imports only when OPC UA is first used: node-opcua takes one to three seconds to load, a
 * cost every start of the console (and every test that starts a core) would pay otherwise.
 */
export { browseChildren, OBJECTS_FOLDER } from './opcuaBrowse';
export { OpcuaIngest } from './opcuaIngest';
export { ConsolePki } from './pki';

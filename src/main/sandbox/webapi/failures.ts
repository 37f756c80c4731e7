import { DataverseFailure } from '../errors'

const ODATA = '0x80060888'

/**
 * Errors of the realistic schema, FetchXML, operations and impersonation, with the codes and wording Dataverse
 * uses ("Web service error codes"; the FetchXML ones are the QueryBuilder* codes).
 */
export const failure = {
  /** Associating two records that are already associated. */
  duplicateAssociation: () => new DataverseFailure(412, '0x80040237', 'Cannot insert duplicate key.'),
  /** Create/update/delete on activitypointer or an intersect table: the message has no handler for that entity. */
  messageNotSupported: (message: 'Create' | 'Update' | 'Delete', logicalName: string) =>
    new DataverseFailure(400, '0x80040800', `The '${message}' method does not support entities of type '${logicalName}'. MessageProcessorCache returned MessageProcessor.Empty.`),
  /** Impersonation by a caller without prvActOnBehalfOfAnotherUser (PrivilegeDenied). */
  privilegeDenied: (caller: { id: string; oid: string | null; roles: number; privileges: number; accessMode: string; businessUnitId: string }, privilege: string, privilegeId: string) =>
    new DataverseFailure(
      403,
      '0x80040220',
      `Principal user (Id=${caller.id}, type=8, roleCount=${caller.roles}, privilegeCount=${caller.privileges}, accessMode='${caller.accessMode}', AADObjectId='${caller.oid ?? ''}', businessUnitId=${caller.businessUnitId}), is missing ${privilege} privilege (Id=${privilegeId}). context.Caller=${caller.id}. Consider adding missed privilege to one of the principal (user/team) roles.`
    ),
  /** An impersonation header naming no user of the org. */
  impersonatedUserNotFound: (header: string, value: string) =>
    header === 'MSCRMCallerID' ? new DataverseFailure(404, '0x80040217', `systemuser With Id = ${value} Does Not Exist`) : new DataverseFailure(403, '0x80072560', 'The user is not a member of the organization.'),
  invalidCallerId: (header: string, value: string) => new DataverseFailure(400, '0x80040203', `The value '${value}' of the ${header} header is not a valid GUID.`),
  /** An action parameter the operation does not declare (the OData layer's words, wrapped by Dataverse). */
  unknownParameter: (name: string, operation: string) =>
    new DataverseFailure(
      400,
      '0x80048d19',
      `Error identified in Payload provided by the user for Entity :'', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.OData.ODataException: The parameter '${name}' in the request payload is not a valid parameter for the operation '${operation}'.`
    ),
  /** A required (non-nullable) parameter missing: the request cannot be routed to the operation. */
  unresolvedParameters: () => new DataverseFailure(400, '0x80040216', 'Request message has unresolved parameters.'),
  invalidArgument: (message: string) => new DataverseFailure(400, '0x80040203', message),
  /** An exception thrown by a plug-in (a Custom API's code): InvalidPluginExecutionException. */
  pluginAborted: (message: string) => new DataverseFailure(400, '0x80040265', message),
  leadClosed: () => new DataverseFailure(400, '0x80040519', 'The lead is already closed.'),
  opportunityClosed: () => new DataverseFailure(400, '0x80040515', 'The opportunity is already closed.'),
  invalidStatus: (status: number, stateName: string, logicalName: string, id: string) =>
    new DataverseFailure(400, '0x80040203', `${status} is not a valid status code for state code ${stateName} on ${logicalName} with Id ${id}.`),

  // FetchXML (QueryBuilder*)
  invalidXml: () => new DataverseFailure(400, '0x80040201', 'Invalid XML.'),
  fetchEmpty: () => new DataverseFailure(400, '0x80041124', "Xml String can't be null."),
  fetchNode: (detail: string) => new DataverseFailure(400, '0x8004111c', `The element node encountered is invalid. ${detail}`),
  fetchNoEntity: (name: string) => new DataverseFailure(400, '0x80041102', `The entity with a name = '${name}' with namemapping = 'Logical' was not found in the MetadataCache.`),
  fetchEntitiesDontMatch: () => new DataverseFailure(400, '0x80041128', 'The entity name specified in fetchxml does not match the entity name specified in the Entity or Query Expression.'),
  fetchNoAttribute: (entity: string, name: string) => new DataverseFailure(400, '0x80041103', `'${entity}' entity doesn't contain attribute with Name = '${name}' and NameMapping = 'Logical'.`),
  fetchAttributeRequired: (element: string) => new DataverseFailure(400, '0x8004111e', `A required attribute was not specified. The ${element} element needs it.`),
  fetchElementRequired: (element: string) => new DataverseFailure(400, '0x80041123', `A required element was not specified: ${element}.`),
  fetchOperator: (operator: string) => new DataverseFailure(400, '0x80041120', `Unsupported condition operator: '${operator}'.`),
  fetchFilterType: () => new DataverseFailure(400, '0x80041122', "Unsupported filter type. Valid values are 'and', or 'or'."),
  fetchLinkType: () => new DataverseFailure(400, '0x80041117', "The only valid values for link-type attribute are 'natural', 'inner','in','exists','matchfirstrowusingcrossapply' and 'outer'."),
  fetchBoolean: (attribute: string) => new DataverseFailure(400, attribute === 'descending' ? '0x80041119' : attribute === 'groupby' ? '0x8004112E' : '0x80041115', `The only valid values for ${attribute} attribute are 'true', 'false', '1', and '0'.`),
  fetchDuplicateAlias: () => new DataverseFailure(400, '0x80041130', 'FetchXML should have unique aliases.'),
  fetchLinkLimit: () => new DataverseFailure(400, '0x8004430D', 'Number of link entities in query exceeded maximum limit.'),
  fetchValue: (value: string, attribute: string, type: string) =>
    new DataverseFailure(400, '0x80040203', `An exception System.FormatException was thrown while trying to convert input value '${value}' to attribute '${attribute}'. Expected type of attribute value: ${type}. Exception raised: Input string was not in a correct format.`),
  fetchValueMissing: (operator: string, attribute: string) => new DataverseFailure(400, '0x80041106', `Incorrect filter condition or conditions. The '${operator}' condition on '${attribute}' needs a value.`),
  fetchAlias: (alias: string) => new DataverseFailure(400, '0x8004110a', `The specified alias for the given entity in the condition does not exist: '${alias}'.`),
  fetchPositive: (attribute: string) => new DataverseFailure(400, '0x8004110c', `A value greater than zero must be specified for '${attribute}'.`),
  fetchTopLimit: () => new DataverseFailure(400, '0x80040203', 'The top attribute value must be between 1 and 5000.'),
  fetchTopAndPaging: () => new DataverseFailure(400, '0x80040203', "The 'top' attribute can't be used with the 'page', 'count' or 'returntotalrecordcount' attributes: these ways of limiting the results are not compatible."),
  fetchPagingCookie: () => new DataverseFailure(400, '0x8004112A', 'Invalid page number in paging cookie.'),
  fetchAggregateAlias: () => new DataverseFailure(400, '0x80041109', 'Invalid alias for aggregate operation.'),
  fetchAggregateType: (aggregate: string, type: string) => new DataverseFailure(400, '0x8004112F', `Aggregate ${aggregate} is not supported for attribute of type ${type}.`),
  fetchAttributeWithAggregate: () => new DataverseFailure(400, '0x80041107', 'Attributes can not be returned when aggregate operation is specified.'),
  fetchAggregateOrder: () => new DataverseFailure(400, '0x80041131', 'An attribute cannot be specified for an order clause for an aggregate Query. Use an alias.'),
  fetchOrderAlias: () => new DataverseFailure(400, '0x80041132', 'An alias cannot be specified for an order clause for a non-aggregate Query. Use an attribute.'),
  fetchDateGrouping: () => new DataverseFailure(400, '0x80041135', 'An invalid value was specified for dategrouping.'),
  fetchWithQueryOption: (option: string) => new DataverseFailure(400, ODATA, `The query parameter ${option} is not supported with fetchXml: FetchXML says what to select, filter, order and expand.`)
}
